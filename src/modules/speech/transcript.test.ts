import { describe, expect, it } from 'vitest';
import {
  formatTranscript,
  guessLanguage,
  languageHint,
  providerLanguage,
  stripPunctuation,
} from './transcript.js';

describe('formatTranscript', () => {
  it.each([
    ['none keeps the text as it came', '  hola   mundo ', 'none', '  hola   mundo '],
    ['basic trims and collapses whitespace', '  hola \n  mundo ', 'basic', 'hola mundo'],
    ['basic leaves case and punctuation', 'hola , mundo', 'basic', 'hola , mundo'],
    ['enhanced capitalises and closes the sentence', 'hello world', 'enhanced', 'Hello world.'],
    [
      'enhanced fixes spaces around punctuation',
      'hello ,world . how are you ?',
      'enhanced',
      'Hello, world. How are you?',
    ],
    [
      'enhanced capitalises after Spanish opening marks',
      '¿cómo estás? bien',
      'enhanced',
      '¿Cómo estás? Bien.',
    ],
    ['enhanced keeps a closing mark', 'wow!', 'enhanced', 'Wow!'],
    ['enhanced closes CJK text with 。', 'こんにちは', 'enhanced', 'こんにちは。'],
    ['enhanced on empty text stays empty', '   ', 'enhanced', ''],
    ['enhanced separates run-on sentences', 'one.Two', 'enhanced', 'One. Two.'],
  ] as const)('%s', (_, input, formatting, expected) => {
    expect(formatTranscript(input, formatting)).toBe(expected);
  });
});

describe('stripPunctuation', () => {
  it.each([
    ['Hello, world!', 'Hello world'],
    ['¿Qué tal?', 'Qué tal'],
    ["don't stop - peut-être", "don't stop peut-être"],
    ['« Bonjour » …', 'Bonjour'],
  ])('%s → %s', (input, expected) => {
    expect(stripPunctuation(input)).toBe(expected);
  });
});

describe('guessLanguage', () => {
  it.each([
    ['こんにちは世界', 'ja-JP'],
    ['你好世界', 'zh-CN'],
    ['안녕하세요', 'ko-KR'],
    ['مرحبا', 'ar-SA'],
    ['नमस्ते', 'hi-IN'],
    ['привет', 'ru-RU'],
    ['¿dónde está el baño?', 'es-ES'],
    ['não sei', 'pt-BR'],
    ['grüß dich', 'de-DE'],
    ['ça va très bien', 'fr-FR'],
    ['più tardi', 'it-IT'],
    ['hello there', 'en-US'],
  ])('%s → %s', (text, expected) => {
    expect(guessLanguage(text)).toBe(expected);
  });
});

describe('providerLanguage', () => {
  it.each([
    ['spanish', 'es'],
    ['English', 'en'],
    ['es', 'es'],
    ['pt_br', 'pt-BR'],
    ['pt-BR', 'pt-BR'],
    ['klingon', null],
    ['', null],
    [null, null],
    [undefined, null],
  ])('%s → %s', (raw, expected) => {
    expect(providerLanguage(raw)).toBe(expected);
  });
});

describe('languageHint', () => {
  it.each([
    ['pa-IN', 'pa'],
    ['ES', 'es'],
    ['fil', undefined],
  ])('%s → %s', (tag, expected) => {
    expect(languageHint(tag)).toBe(expected);
  });
});
