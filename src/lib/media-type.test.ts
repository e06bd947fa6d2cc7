import { describe, expect, it } from 'vitest';
import {
  flacFile,
  m4aFile,
  mp3File,
  oggOpusFile,
  textFile,
  wavFile,
  webmFile,
} from '../../test/audio-fixtures.js';
import { TINY_PNG_BASE64 } from '../../test/fake-provider.js';
import { detectAudioType, detectImageType, essenceOf } from './media-type.js';

describe('detectAudioType', () => {
  it.each([
    ['WebM (EBML, DocType webm)', webmFile(), 'webm', 'audio/webm'],
    ['Ogg Opus', oggOpusFile(), 'ogg', 'audio/ogg'],
    ['MP3 frames (frame sync)', mp3File(), 'mp3', 'audio/mpeg'],
    ['MP3 behind an ID3 tag', mp3File({ id3: true }), 'mp3', 'audio/mpeg'],
    ['WAVE (RIFF)', wavFile(), 'wav', 'audio/wav'],
    ['M4A (ftyp M4A)', m4aFile(), 'm4a', 'audio/mp4'],
    ['FLAC', flacFile(), 'flac', 'audio/flac'],
  ])('reads %s from its bytes', async (_, bytes, ext, mime) => {
    expect(await detectAudioType(bytes)).toEqual({ ext, mime });
  });

  it.each([
    ['text', textFile()],
    ['an image', Buffer.from(TINY_PNG_BASE64, 'base64')],
    ['nothing', Buffer.alloc(0)],
    ['zeros', Buffer.alloc(4_096)],
  ])('finds no audio in %s', async (_, bytes) => {
    expect(await detectAudioType(bytes)).toBeNull();
  });
});

describe('detectImageType', () => {
  it('reads a PNG and refuses audio', async () => {
    expect(await detectImageType(Buffer.from(TINY_PNG_BASE64, 'base64'))).toEqual({
      ext: 'png',
      mime: 'image/png',
    });
    expect(await detectImageType(wavFile())).toBeNull();
  });
});

describe('essenceOf', () => {
  it.each([
    ['audio/webm;codecs=opus', 'audio/webm'],
    [' Audio/WebM ; codecs="opus"', 'audio/webm'],
    ['audio/mpeg', 'audio/mpeg'],
    ['', ''],
    [null, ''],
    [undefined, ''],
  ])('%s → %s', (input, expected) => {
    expect(essenceOf(input)).toBe(expected);
  });
});
