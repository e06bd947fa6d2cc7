/**
 * The safety filter for text a learner writes: it refuses profanity and redacts personal data (emails,
 * phone numbers, card numbers) to `[REDACTED]`. Dialogue turns pass through it before anything is stored
 * or scored, and text bound for an AI provider passes through it before it leaves the service. Pure
 * functions of the text, no state, linear in its length (every pattern is anchored or bounded, so no
 * input can make a regular expression backtrack for long).
 */

export const REDACTED = '[REDACTED]';

export type PiiKind = 'email' | 'phone' | 'card';
export type UnsafeReason = 'inappropriate_language';

/** Redactions made in one text, by kind. */
export type Redactions = Record<PiiKind, number>;

export type SafetyVerdict =
  | { safe: true; text: string; redactions: Redactions }
  | { safe: false; reason: UnsafeReason };

/**
 * Screens a text: profanity makes it unsafe (nothing of it should be kept or sent on); otherwise the
 * answer is the text with personal data redacted.
 */
export function screenText(text: string): SafetyVerdict {
  if (containsProfanity(text)) return { safe: false, reason: 'inappropriate_language' };
  return { safe: true, ...redactPersonalData(text) };
}

// ---------------------------------------------------------------------------------------------------
// Profanity

/**
 * The words the app refuses (api-contract §3.11) with the inflections in common use. Matching is on word
 * boundaries, so words that merely contain one ("Scunthorpe", "assessment", "shiitake") pass.
 */
const PROFANITIES: { prefixes?: string[]; word: string; suffixes: string[] }[] = [
  {
    prefixes: ['mother'],
    word: 'fuck',
    suffixes: ['s', 'ed', 'er', 'ers', 'ing', 'in', 'face', 'head', 'wit'],
  },
  {
    prefixes: ['bull', 'horse', 'dip'],
    word: 'shit',
    suffixes: ['s', 'ty', 'ting', 'head', 'heads', 'hole'],
  },
  { prefixes: ['god'], word: 'damn', suffixes: ['s', 'ed', 'it'] },
  { word: 'bitch', suffixes: ['es', 'ed', 'y', 'ing'] },
  { word: 'asshole', suffixes: ['s'] },
];

/** Characters written in place of a letter to slip past a filter: `sh1t`, `$hit`, `d@mn`, `f*ck`. */
const LOOKALIKES: Record<string, string> = {
  a: 'a@4*',
  e: 'e3*',
  i: 'i1!|*',
  o: 'o0*',
  u: 'u*',
  s: 's$5',
};

/** Punctuation put between letters (`f.u.c.k`, `s-h-i-t`); spaces are not, they separate real words. */
const SEPARATOR = '[._\\-]?';
const NOT_WORD_BEFORE = '(?<![\\p{L}\\p{N}])';
const NOT_WORD_AFTER = '(?![\\p{L}\\p{N}])';

const letterPattern = (letter: string) =>
  `[${(LOOKALIKES[letter] ?? letter).replace(/[\\\]^-]/g, '\\$&')}]{1,2}`;
const spelled = (word: string) => [...word].map(letterPattern).join(SEPARATOR);

const PROFANITY = new RegExp(
  `${NOT_WORD_BEFORE}(?:${PROFANITIES.map(
    ({ prefixes, word, suffixes }) =>
      `${prefixes ? `(?:${prefixes.join('|')})?` : ''}${spelled(word)}(?:${suffixes.join('|')})?`,
  ).join('|')})${NOT_WORD_AFTER}`,
  'iu',
);

/** Soft hyphens and zero-width characters, which render as nothing and only serve to split a word. */
const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/g;

/**
 * The text as the profanity pattern reads it: compatibility forms folded (full-width letters), accents
 * removed, invisible characters dropped, and runs of one character cut to two. Each letter of the pattern
 * matches once or twice, so `fuuuuck` still matches while the pattern stays free of unbounded repeats.
 */
function foldForMatching(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(INVISIBLE, '')
    .replace(/(.)\1{2,}/gsu, '$1$1');
}

/** True when the text uses one of the refused words, however spelled (case, accents, repeats, look-alikes). */
export function containsProfanity(text: string): boolean {
  return PROFANITY.test(foldForMatching(text));
}

// ---------------------------------------------------------------------------------------------------
// Personal data

const EMAIL =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,24}(?![\p{L}\p{N}-])/gu;

/**
 * A run of digits with single spaces or dashes between them: where card numbers are looked for. A run
 * after a plus sign is an international phone number, never a card.
 */
const DIGIT_RUN = /(?<![+\d]|\d[ -])\d(?:[ -]?\d)*/g;

/** North American numbers, with separators or parentheses: 555-123-4567, (555) 123-4567, +1 555 123 4567. */
const NANP_PHONE =
  /(?<![\p{L}\p{N}+])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\p{L}\p{N}])/gu;

/** Ten digits in one piece that can only be a North American number (area code and exchange 2–9). */
const NANP_PHONE_BARE = /(?<![\p{L}\p{N}+])[2-9]\d{2}[2-9]\d{6}(?![\p{L}\p{N}])/gu;

/** International numbers: + or 00, then 8 to 15 digits in groups (+44 20 7946 0958, +33 1 23 45 67 89). */
const INTERNATIONAL_PHONE = /(?<![\p{L}\p{N}+])(?:\+|00)\d[\d ().-]{5,22}\d(?![\p{L}\p{N}])/gu;

/** National numbers with a trunk 0 in groups: 020 7946 0958, 07700 900123, 01 23 45 67 89. */
const NATIONAL_PHONE = /(?<![\p{L}\p{N}])0\d{1,4}(?:[ .-]\d{2,6}){1,4}(?![\p{L}\p{N}])/gu;

/** A date with a four-digit year (01.02.2024), which the national pattern would otherwise take for a number. */
const LEADING_DATE = /^\d{1,2}([./-])\d{1,2}\1(?:19|20)\d{2}(?!\d)/;

const digitCount = (text: string) => text.replace(/\D/g, '').length;

/** The Luhn checksum, which every payment card number satisfies and nine in ten other numbers do not. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const isCardNumber = (digits: string) => digits.length >= 13 && digits.length <= 19 && passesLuhn(digits);

/**
 * Redacts the card numbers within one run of digits: 13–19 digits that pass the Luhn check, written in
 * one piece or in groups of 3–6 (4-4-4-4, 4-6-5). A run may hold more than the card (an expiry date or a
 * reference written next to it), so the longest valid stretch of whole groups is redacted, then the rest
 * of the run on either side is searched again.
 */
function redactCardsInRun(run: string, count: () => void): string {
  const groups = [...run.matchAll(/\d+/g)].map((match) => ({ start: match.index, digits: match[0] }));
  const groupable = (digits: string) => digits.length >= 3 && digits.length <= 6;
  let best: { from: number; to: number; length: number } | null = null;
  for (let from = 0; from < groups.length; from++) {
    let digits = '';
    for (let to = from; to < groups.length; to++) {
      if (to > from && !(groupable(groups[from]!.digits) && groupable(groups[to]!.digits))) break;
      digits += groups[to]!.digits;
      if (digits.length > 19) break;
      if (isCardNumber(digits) && (!best || digits.length > best.length))
        best = { from, to, length: digits.length };
    }
  }
  if (!best) return run;
  count();
  const start = groups[best.from]!.start;
  const last = groups[best.to]!;
  const end = last.start + last.digits.length;
  return `${redactCardsInRun(run.slice(0, start), count)}${REDACTED}${redactCardsInRun(run.slice(end), count)}`;
}

/**
 * Replaces emails, card numbers and phone numbers with `[REDACTED]` and counts each kind. Cards are
 * looked for before phones, so that a card number's groups are never taken for a phone number; ordinary
 * long numbers (order numbers, years, scores) are left alone.
 */
export function redactPersonalData(text: string): { text: string; redactions: Redactions } {
  const redactions: Redactions = { email: 0, phone: 0, card: 0 };
  const replace =
    (kind: PiiKind, accept: (match: string) => boolean = () => true) =>
    (match: string) => {
      if (!accept(match)) return match;
      redactions[kind]++;
      return REDACTED;
    };
  const redacted = text
    .replace(EMAIL, replace('email'))
    .replace(DIGIT_RUN, (run) => redactCardsInRun(run, () => redactions.card++))
    .replace(
      INTERNATIONAL_PHONE,
      replace('phone', (match) => isInternationalNumber(match)),
    )
    .replace(NANP_PHONE, replace('phone'))
    .replace(NANP_PHONE_BARE, replace('phone'))
    .replace(
      NATIONAL_PHONE,
      replace(
        'phone',
        (match) => !LEADING_DATE.test(match) && digitCount(match) >= 9 && digitCount(match) <= 11,
      ),
    );
  return { text: redacted, redactions };
}

function isInternationalNumber(match: string): boolean {
  const digits = digitCount(match) - (match.startsWith('00') ? 2 : 0);
  const opened = match.split('(').length;
  return digits >= 8 && digits <= 15 && opened === match.split(')').length && !/[ .-]{2}/.test(match);
}
