/**
 * Small files that start the way real recordings do, built byte by byte: enough of each container's
 * header for magic-number detection, padded with silence or zeros. Providers never decode them here (the
 * fake provider only records what it was sent).
 */

/** A PCM WAVE file: RIFF header, `fmt ` chunk (16 kHz mono 16-bit), `data` chunk of silence. */
export function wavFile(dataBytes = 3_200): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(16_000, 24);
  header.writeUInt32LE(32_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return Buffer.concat([header, Buffer.alloc(dataBytes)]);
}

/** A WebM file as MediaRecorder starts one: EBML header with DocType `webm`, then a Segment. */
export function webmFile(padding = 2_000): Buffer {
  const docType = Buffer.concat([Buffer.from([0x42, 0x82, 0x84]), Buffer.from('webm', 'ascii')]);
  const version = Buffer.from([0x42, 0x87, 0x81, 0x04, 0x42, 0x85, 0x81, 0x02]);
  const body = Buffer.concat([docType, version]);
  const ebml = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x80 | body.length]), body]);
  const segment = Buffer.from([0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  return Buffer.concat([ebml, segment, Buffer.alloc(padding)]);
}

/** An Ogg Opus file: the first page carries the `OpusHead` packet. */
export function oggOpusFile(padding = 2_000): Buffer {
  const page = Buffer.alloc(28);
  page.write('OggS', 0, 'ascii');
  page[5] = 0x02;
  page[26] = 1;
  page[27] = 19;
  const head = Buffer.concat([
    Buffer.from('OpusHead', 'ascii'),
    Buffer.from([1, 1, 0x38, 0x01]),
    Buffer.alloc(7),
  ]);
  return Buffer.concat([page, head, Buffer.alloc(padding)]);
}

/** MPEG-1 Layer III frames (128 kb/s, 44.1 kHz), optionally behind an ID3v2 tag. */
export function mp3File(options: { id3?: boolean; frames?: number } = {}): Buffer {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0x64]);
  const frames = Buffer.concat(Array.from({ length: options.frames ?? 8 }, () => frame));
  if (!options.id3) return frames;
  const tag = Buffer.concat([
    Buffer.from('ID3', 'ascii'),
    Buffer.from([3, 0, 0, 0, 0, 0, 10]),
    Buffer.alloc(10),
  ]);
  return Buffer.concat([tag, frames]);
}

/** An MPEG-4 audio file as iOS records one (`ftyp` box, brand `M4A `). */
export function m4aFile(padding = 2_000): Buffer {
  const ftyp = Buffer.alloc(32);
  ftyp.writeUInt32BE(32, 0);
  ftyp.write('ftypM4A ', 4, 'ascii');
  ftyp.write('M4A mp42isom', 16, 'ascii');
  return Buffer.concat([ftyp, Buffer.alloc(padding)]);
}

/** A FLAC stream: `fLaC` and a STREAMINFO block. */
export function flacFile(padding = 2_000): Buffer {
  return Buffer.concat([
    Buffer.from('fLaC', 'ascii'),
    Buffer.from([0x80, 0, 0, 34]),
    Buffer.alloc(34 + padding),
  ]);
}

/** Plain text: no audio signature at all. */
export function textFile(): Buffer {
  return Buffer.from('This is not audio, only some words in a text file.\n'.repeat(20), 'utf8');
}
