/**
 * Moderation policy lists (`m.policy.rule.*`, with the older `m.room.rule.*` and
 * `org.matrix.mjolnir.rule.*` names): each rule as a sentence, its entity and recommendation
 * shown as code. A rule with empty content was removed; its previous content says which.
 */
import { isRecord, type MatrixEvent } from '../../matrix/events.js';
import { cleanLine } from './format.js';
import type { SentencePart } from './types.js';

const KINDS: Record<string, string> = { user: 'users', room: 'rooms', server: 'servers' };
const PREFIXES = ['m.policy.rule.', 'm.room.rule.', 'org.matrix.mjolnir.rule.'];

/** "users", "rooms" or "servers" for a policy rule type, else null. */
export function policyKind(type: string): string | null {
  for (const prefix of PREFIXES) {
    if (type.startsWith(prefix)) return KINDS[type.slice(prefix.length)] ?? null;
  }
  return null;
}

interface Rule {
  entity: string;
  recommendation: string;
  reason: string | null;
}

function ruleOf(content: unknown): Rule | null {
  if (!isRecord(content)) return null;
  const entity = cleanLine(content['entity'], 300);
  const recommendation = cleanLine(content['recommendation'], 100);
  if (entity === null || recommendation === null) return null;
  return { entity, recommendation, reason: cleanLine(content['reason'], 300) };
}

/** "ban rule (`m.ban`)" for a ban (mjolnir's name too), else "rule `recommendation`". */
function ruleName(recommendation: string): SentencePart[] {
  if (recommendation === 'm.ban' || recommendation === 'org.matrix.mjolnir.ban') return [{ text: 'ban rule (' }, { code: recommendation }, { text: ')' }];
  return [{ text: 'rule ' }, { code: recommendation }];
}

/** The sentence after the sender's name, or null when the type is not a policy rule. */
export function policySentence(event: MatrixEvent): SentencePart[] | null {
  const kind = policyKind(event.type);
  if (kind === null) return null;
  const rule = ruleOf(event.content);
  const before = ruleOf(event.unsigned?.['prev_content']);
  if (rule === null) {
    if (before === null) return [{ text: ` removed a policy rule for ${kind}` }];
    return [{ text: ' removed the ' }, ...ruleName(before.recommendation), { text: ` for ${kind} matching ` }, { code: before.entity }];
  }
  const verb = before === null ? ' added a ' : ' changed a rule into a ';
  return [
    { text: verb },
    ...ruleName(rule.recommendation),
    { text: ` for ${kind} matching ` },
    { code: rule.entity },
    ...(rule.reason ? [{ text: `: ${rule.reason}` }] : []),
  ];
}
