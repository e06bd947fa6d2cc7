import { describe, expect, it } from 'vitest';
import { containsProfanity, passesLuhn, REDACTED, redactPersonalData, screenText } from './safety.js';

const R = REDACTED;

describe('containsProfanity', () => {
  it.each([
    ['the listed words', 'what the fuck'],
    ['each listed word: shit', 'oh shit'],
    ['each listed word: damn', 'Damn, I forgot'],
    ['each listed word: bitch', 'she is a bitch'],
    ['each listed word: asshole', 'you asshole'],
    ['any case', 'SHIT happens'],
    ['at the start and end, beside punctuation', 'fuck!'],
    ['inflections', 'this is fucking hard'],
    ['plural inflections', 'bitches and assholes'],
    ['compounds with a known prefix', 'motherfucker'],
    ['compounds with a known prefix: bull', 'that is bullshit'],
    ['compounds with a known prefix: god', 'Goddamn it'],
    ['repeated letters', 'fuuuuuck this'],
    ['repeated letters in a double-letter word', 'asssssshole'],
    ['look-alike characters', 'sh1t'],
    ['look-alike symbols', '$hit and @$$h0le'],
    ['masked vowels', 'f*ck off'],
    ['letters split by dots', 'f.u.c.k'],
    ['letters split by dashes', 's-h-i-t'],
    ['accented letters', 'shït'],
    ['full-width letters', 'ｆｕｃｋ'],
    ['zero-width characters inside the word', 'fu\u200Bck'],
  ])('refuses %s: %s', (_, text) => {
    expect(containsProfanity(text)).toBe(true);
  });

  it.each([
    ['a town that contains a rude word', 'I live in Scunthorpe'],
    ['words that contain "ass"', 'The class assessment was about bass and passion'],
    ['a word that starts like one', 'The damnation of Faust; shiitake mushrooms; a shitake risotto'],
    ['a word that contains one', 'Hitchcock, bitcoin and the Dickens novel'],
    ['a word that ends in one', 'The golfer mishit the ball'],
    ['words split across a space', 'push it, she hit the ball, shh it is fine'],
    ['ordinary text', 'Hello, my name is John and I would like a coffee.'],
    ['the empty string', ''],
    ['other languages', 'Je voudrais un café, s’il vous plaît. ありがとう'],
  ])('lets through %s: %s', (_, text) => {
    expect(containsProfanity(text)).toBe(false);
  });

  it('stays fast on long hostile input', () => {
    const started = performance.now();
    expect(containsProfanity(`${'a$5'.repeat(2000)}s`)).toBe(false);
    expect(containsProfanity('f.'.repeat(5000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('redactPersonalData: emails', () => {
  it.each([
    ['a plain address', 'write to john@example.com please', `write to ${R} please`],
    ['subdomains, plus tags and dots', 'me: jane.doe+news@mail.example.co.uk.', `me: ${R}.`],
    ['upper case', 'JOHN@EXAMPLE.COM', R],
    ['international addresses', 'josé@correo.españa.es', R],
    ['two addresses', 'a@b.io, c@d.io', `${R}, ${R}`],
  ])('redacts %s', (_, text, expected) => {
    const result = redactPersonalData(text);
    expect(result.text).toBe(expected);
    expect(result.redactions.email).toBeGreaterThan(0);
  });

  it.each([
    ['an at sign between words', 'meet me @ the station'],
    ['a handle', 'follow @linguamate'],
    ['an address without a top-level domain', 'user@localhost'],
  ])('leaves %s', (_, text) => {
    expect(redactPersonalData(text)).toEqual({ text, redactions: { email: 0, phone: 0, card: 0 } });
  });
});

describe('redactPersonalData: phone numbers', () => {
  it.each([
    ['a US number with dashes', 'call 555-123-4567 now', `call ${R} now`],
    ['a US number with dots', '555.123.4567', R],
    ['a US number with spaces', '555 123 4567', R],
    ['a US number with parentheses', 'call (555) 123-4567', `call ${R}`],
    ['a US number with the country code', '+1 555 123 4567', R],
    ['a US toll-free number with a leading 1', '1-800-555-1234', R],
    ['a bare North American number', 'text 2125551234', `text ${R}`],
    ['a UK number in international form', 'ring +44 20 7946 0958.', `ring ${R}.`],
    ['a French number in international form', '+33 1 23 45 67 89', R],
    ['a German mobile without separators', '+4915112345678', R],
    ['a Japanese number with dashes', '+81 3-1234-5678', R],
    ['an international number with 00', '0044 20 7946 0958', R],
    ['an international number with a bracketed area code', '+44 (0) 20 7946 0958', R],
    ['a UK number in national form', '020 7946 0958', R],
    ['a UK mobile in national form', '07700 900123', R],
    ['a French number in national form with dots', '06.12.34.56.78', R],
  ])('redacts %s', (_, text, expected) => {
    const result = redactPersonalData(text);
    expect(result.text).toBe(expected);
    expect(result.redactions.phone).toBe(1);
  });

  it.each([
    ['years', 'born in 1990, moved in 2015'],
    ['scores', 'scores 10 20 30 40 50'],
    ['a date', 'on 2024-01-15 at 10:30'],
    ['a date with a number after it', 'On 01.02.2024 12 people came'],
    ['an order number', 'order 12345678'],
    ['ten digits that cannot be a North American number', 'reference 1234567890'],
    ['a price', 'it costs $1,234,567.89'],
    ['a short international-looking number', '+12 345'],
    ['a number with letters around it', 'code AB5551234567CD'],
  ])('leaves %s', (_, text) => {
    expect(redactPersonalData(text)).toEqual({ text, redactions: { email: 0, phone: 0, card: 0 } });
  });
});

describe('redactPersonalData: card numbers', () => {
  it.each([
    ['a Visa number in one piece', 'card 4111111111111111', `card ${R}`],
    ['a number in groups of four with spaces', '4111 1111 1111 1111', R],
    ['a number in groups of four with dashes', '5500-0000-0000-0004', R],
    ['an American Express number (4-6-5)', 'amex 3782 822463 10005 ok', `amex ${R} ok`],
    ['a 13-digit number', '4222222222222', R],
    ['a 19-digit number', '6304000000000000000', R],
    ['a card number followed by its expiry and code', '4111 1111 1111 1111 12 25 123', `${R} 12 25 123`],
    ['a card number after a reference', 'ref 1234 4111 1111 1111 1111', `ref 1234 ${R}`],
  ])('redacts %s', (_, text, expected) => {
    const result = redactPersonalData(text);
    expect(result.text).toBe(expected);
    expect(result.redactions.card).toBe(1);
    expect(result.redactions.phone).toBe(0);
  });

  it.each([
    ['16 digits that fail the Luhn check', 'order 1234567890123456'],
    ['a grouped number that fails the Luhn check', '1234 5678 9012 3456'],
    ['a valid card number with one digit changed', '4111 1111 1111 1112'],
    ['too many digits', '12345678901234567890123'],
    ['too few digits', '411111111111'],
    ['single digits that happen to pass the check', '4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1'],
  ])('leaves %s', (_, text) => {
    expect(redactPersonalData(text).redactions.card).toBe(0);
    expect(redactPersonalData(text).text).toBe(text);
  });

  it('checks the Luhn sum', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('378282246310005')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
  });
});

describe('redactPersonalData: together', () => {
  it('redacts every kind in one text and counts them', () => {
    const result = redactPersonalData(
      'Mail ana@example.org or call +1 555 123 4567; card 4111-1111-1111-1111, order 1234567890123456.',
    );
    expect(result.text).toBe(`Mail ${R} or call ${R}; card ${R}, order 1234567890123456.`);
    expect(result.redactions).toEqual({ email: 1, phone: 1, card: 1 });
  });

  it('stays fast on long hostile input', () => {
    const started = performance.now();
    redactPersonalData('1 '.repeat(2000));
    redactPersonalData(`${'+1'.repeat(1000)}`);
    redactPersonalData(`${'a.'.repeat(2000)}@`);
    redactPersonalData('0 12'.repeat(1000));
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('screenText', () => {
  it('refuses profanity without returning the text', () => {
    expect(screenText('my email is a@b.io, damn it')).toEqual({
      safe: false,
      reason: 'inappropriate_language',
    });
  });

  it('answers safe text with personal data redacted', () => {
    expect(screenText('Hi, I am Ana: ana@example.org')).toEqual({
      safe: true,
      text: `Hi, I am Ana: ${R}`,
      redactions: { email: 1, phone: 0, card: 0 },
    });
  });
});
