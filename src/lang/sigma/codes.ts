/**
 * The Sigma diagnostic catalogue. Every SIG### code the Sigma front end and detections report,
 * with its default severity; messages are built where the problem is found.
 */
export const SIG = {
  yamlSyntax: 'SIG001', // YAML does not parse
  notAMapping: 'SIG002', // document is not a mapping
  missingField: 'SIG003', // required attribute missing (title, logsource, detection, condition...)
  unknownModifier: 'SIG004', // unknown value modifier (did-you-mean)
  badCondition: 'SIG005', // condition syntax error
  undefinedSelection: 'SIG006', // condition names a selection that does not exist
  badLevel: 'SIG007', // invalid level
  badStatus: 'SIG008', // invalid status
  badRegex: 'SIG009', // |re value does not compile, or too long
  unknownField: 'SIG010', // field not in the log source's mapping
  badValue: 'SIG011', // value of the wrong type for its modifiers
  badModifierCombo: 'SIG012', // modifiers that cannot go together
  badSelection: 'SIG013', // selection of an unexpected shape
  unsupported: 'SIG014', // construct auditscope does not run (deprecated aggregations, near...)
  badCidr: 'SIG015',
  badNumber: 'SIG016',
  unknownPlaceholder: 'SIG017', // |expand placeholder with no value
  badCorrelation: 'SIG018', // correlation section problems
  unknownRuleRef: 'SIG019', // correlation / filter references a rule that is not loaded
  badTimespan: 'SIG020',
  badFilter: 'SIG021',
  badCollection: 'SIG022', // action: global/reset/repeat misuse
  badTag: 'SIG023', // malformed ATT&CK tag (warning)
  duplicateId: 'SIG024',
  badType: 'SIG025', // attribute of the wrong type (title not a string...)
  unusedSelection: 'SIG026', // selection defined but not used by the condition (info)
  otherProduct: 'SIG027', // logsource auditscope does not read (info; rule skipped)
  badMapping: 'SIG028', // user field mapping file problems
} as const;

export type SigmaCode = (typeof SIG)[keyof typeof SIG];
