/**
 * Claim names of the Entra ID tokens an Activity Log record carries in `identity.claims`.
 * @example claims[CLAIM_UPN] // 'eve@contoso.onmicrosoft.com'
 */
export const CLAIM_UPN = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn';
export const CLAIM_NAME = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name';
export const CLAIM_OID = 'http://schemas.microsoft.com/identity/claims/objectidentifier';
