/**
 * SYNTHETIC DATA. Builds `audit.k8s.io/v1` Events for a busy AKS cluster: a weighted mix of
 * scenarios (probes, leader-election leases, kubelets, controllers, operators, people), ~8 %
 * denied requests (401/403), and a small fraction of attack-like requests (privileged pods,
 * exec, cluster-admin bindings, events deletion, secret enumeration...) so rules fire.
 * Keys are written in the API server's order (verb, objectRef, responseStatus early).
 */
import { type Prng, Weighted } from './prng.js';
import { type Actor, aksService, humans, nodeActor } from './synth-actors.js';
import { attackScenarios } from './synth-attacks.js';
import { forbid, normalScenarios, unauthenticated } from './synth-normal.js';
import { type Request, refOf, type Scenario, type Synth, type Target } from './synth-request.js';

export type { Request } from './synth-request.js';
export { namespaces } from './synth-request.js';

/**
 * Stateful builder of synthetic requests; one per generated file, driven by one seeded PRNG.
 * @example const s = new AuditSynth(new Prng(1)); const req = s.next();
 */
export class AuditSynth implements Synth {
  readonly people: Actor[];
  readonly nodes: Actor[];
  private readonly normal: Weighted<Scenario>;
  private readonly attacks: Weighted<Scenario>;

  constructor(
    readonly r: Prng,
    /** Fraction of attack-like requests (default 0.4 %). */
    private readonly attackRate = 0.004,
    /** Fractions of 401 and 403 responses (together ~8 %). */
    private readonly rate401 = 0.03,
    private readonly rate403 = 0.065,
  ) {
    this.people = humans(r);
    const pool = `aks-nodepool1-${r.int(90000000) + 10000000}-vmss`;
    this.nodes = Array.from({ length: 6 }, (_, i) => nodeActor(`${pool}${String(i).padStart(6, '0')}`));
    this.normal = new Weighted<Scenario>(normalScenarios);
    this.attacks = new Weighted<Scenario>(attackScenarios);
  }

  next(): Request {
    const r = this.r;
    if (r.chance(this.attackRate)) return this.attacks.pick(r)(this);
    const x = r.next();
    if (x < this.rate401) return unauthenticated(this);
    const req = this.normal.pick(r)(this);
    if (x < this.rate401 + this.rate403 && req.objectRef && req.actor !== aksService) return forbid(req);
    return req;
  }

  podName(prefix?: string): string {
    const r = this.r;
    return `${prefix ?? r.pick(['checkout', 'payments-api', 'frontend', 'cart', 'orders-worker'])}-${r.hex(10).slice(0, 9)}-${r.suffix(5)}`;
  }

  /** A resource request by `actor` (the common case). */
  req(actor: Actor, verb: string, t: Target, extra: Partial<Request> = {}): Request {
    const { uri, objectRef } = refOf(t);
    const code = verb === 'create' ? 201 : 200;
    return { actor, verb, uri, objectRef, code, level: 'Metadata', tag: 'normal', ...extra };
  }
}
