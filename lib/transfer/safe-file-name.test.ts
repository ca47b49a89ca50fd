import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FALLBACK_FILE_NAME, MAX_FILE_NAME_BYTES, safeFileName } from './safe-file-name.ts';

const RUNS = { numRuns: 1000 };

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

/** Windows devices as Microsoft lists them, with any extension and spaces before the dot. */
const WINDOWS_DEVICE =
  /^(?:con|prn|aux|nul|conin\$|conout\$|clock\$|(?:com|lpt)[0-9¹²³]) *(?:\.|$)/i;

/**
 * What Chrome's downloads.download accepts as a filename with no folder: a model of
 * net::IsSafePortablePathComponent (net/base/filename_util_icu.cc) and
 * base::i18n::IsFilenameLegal, with the rule of older versions that refused '~' anywhere.
 */
function chromeAccepts(name: string): boolean {
  const lower = name.toLowerCase();
  const extension = /\.([^.]*)$/.exec(lower)?.[1] ?? '';
  return (
    name !== '' &&
    !/["*/:<>?\\|~\p{Cc}\p{Cf}\p{Noncharacter_Code_Point}]/u.test(name) &&
    !/^[\s.]|[\s.]$/u.test(name) &&
    extension !== 'lnk' &&
    extension !== 'local' &&
    !/^\{.*\}$/.test(extension) &&
    !/^(?:con|prn|aux|nul|com[1-9]|lpt[1-9]|clock\$)(?:\.|$)/.test(lower) &&
    lower !== 'desktop.ini' &&
    lower !== 'thumbs.db'
  );
}

/**
 * A model of Firefox's nsExternalHelperAppService::SanitizeFileName with the flags that
 * downloads.download uses (its Windows build included): downloads.download refuses a name
 * that this changes.
 */
function firefoxSanitize(name: string): string {
  let out = '';
  for (const char of name) {
    const code = char.charCodeAt(0);
    if (
      '/\\:*?"<>|%'.includes(char) ||
      (code >= 0x01 && code <= 0x1f) ||
      (code >= 0x7f && code <= 0x9f)
    ) {
      out += '_';
    } else if (/[\p{Cc}\p{Zl}\p{Zp}]/u.test(char)) {
      continue;
    } else if (/[\p{Zs}\ufeff]/u.test(char)) {
      if (out !== '') out += char === '\u3000' ? char : ' ';
    } else if (char === '.' || char === '\u180e') {
      if (out !== '') out += char;
    } else {
      out += /\p{Cf}/u.test(char) ? '_' : char;
    }
  }
  out = out.replace(/[ \u3000.\u180e]+$/u, '');
  const dot = out.lastIndexOf('.');
  if (dot >= 0) out = out.slice(0, dot) + out.slice(dot).replace(/[\t\n\f\r ]/g, '');
  if (/^(?:con|prn|aux|nul|com[1-9]|lpt[1-9]|clock\$)(?:\.|$)/i.test(out)) return 'Untitled';
  return /\.(?:lnk|local|url|scf|desktop)$/i.test(out) ? `${out}.download` : out;
}

describe('safeFileName', () => {
  it('leaves ordinary names as they are', () => {
    for (const name of [
      'holiday photo.jpg',
      'Résumé 2026.pdf',
      '日本語.txt',
      'archive.tar.gz',
      'README',
      "O'Brien & Sons (final) [v2].docx",
      '🎉 party.png',
      'ideographic\u3000space.txt',
      '-draft.txt',
    ]) {
      expect(safeFileName(name)).toBe(name);
    }
  });

  it('normalizes to NFC', () => {
    expect(safeFileName('Re\u0301sume\u0301.pdf')).toBe('R\u00e9sum\u00e9.pdf');
  });

  it('keeps only the last part of a path', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('..\\..\\Windows\\System32\\evil.dll')).toBe('evil.dll');
    expect(safeFileName('C:\\Users\\me\\report.pdf')).toBe('report.pdf');
    expect(safeFileName('/absolute/path/notes.txt')).toBe('notes.txt');
    expect(safeFileName('photos/')).toBe('photos');
    expect(safeFileName('album/photo.jpg/..')).toBe('photo.jpg');
  });

  it('never returns a path that goes nowhere', () => {
    for (const name of ['', '.', '..', '...', '/', '\\', '../..', './', ' . ', '\u200b']) {
      expect(safeFileName(name)).toBe(FALLBACK_FILE_NAME);
    }
  });

  it('turns anything that is not a string into the fallback name', () => {
    for (const value of [undefined, null, 42, {}, ['x.txt'], new String('x.txt')]) {
      expect(safeFileName(value)).toBe(FALLBACK_FILE_NAME);
    }
  });

  it('drops control characters, and reads tabs and line breaks as spaces', () => {
    expect(safeFileName('ev\u0000il\u0007\u001b[31m.txt')).toBe('evil[31m.txt');
    expect(safeFileName('del\u007f and c1\u009b.txt')).toBe('del and c1.txt');
    expect(safeFileName('two\r\nlines\tand\u2028more.txt')).toBe('two lines and more.txt');
  });

  it('drops bidi overrides, so a disguised extension shows', () => {
    expect(safeFileName('invoice\u202efdp.exe')).toBe('invoicefdp.exe');
    expect(safeFileName('\u2067photo\u2069 \u200fgpj.scr')).toBe('photo gpj.scr');
  });

  it('drops zero-width and other invisible characters', () => {
    expect(safeFileName('pass\u200bword\u200c\u2060.txt')).toBe('password.txt');
    expect(safeFileName('\ufeffbom\u00ad.txt')).toBe('bom.txt');
    expect(safeFileName('\u3164.txt')).toBe('txt');
    expect(safeFileName('non\ufdd0char\ufffe.txt')).toBe('nonchar.txt');
  });

  it('breaks emoji sequences apart rather than keep the joiner Chrome refuses', () => {
    expect(safeFileName('👩\u200d👩\u200d👧.png')).toBe('👩👩👧.png');
  });

  it('replaces a broken surrogate pair with U+FFFD', () => {
    expect(safeFileName('half\ud83d.txt')).toBe('half\ufffd.txt');
  });

  it('replaces characters that Windows forbids, and % and ~', () => {
    expect(safeFileName('a<b>c:d"e|f?g*h.txt')).toBe('a_b_c_d_e_f_g_h.txt');
    expect(safeFileName('file.txt:Zone.Identifier')).toBe('file.txt_Zone.Identifier');
    expect(safeFileName('50% off.pdf')).toBe('50_ off.pdf');
    expect(safeFileName('~$budget.xlsx')).toBe('_$budget.xlsx');
    expect(safeFileName('PROGRA~1')).toBe('PROGRA_1');
  });

  it('turns unusual spaces into plain ones', () => {
    expect(safeFileName('10\u00a0MB\u2009file.txt')).toBe('10 MB file.txt');
  });

  it('removes dots and spaces at either end', () => {
    expect(safeFileName('.bashrc')).toBe('bashrc');
    expect(safeFileName('  spaced out  .txt  ')).toBe('spaced out  .txt');
    expect(safeFileName('trailing. . .')).toBe('trailing');
    expect(safeFileName('\u3000\u00a0wide\u3000')).toBe('wide');
  });

  it('turns dots into _ when words follow, which Firefox would take for an extension', () => {
    expect(safeFileName("Mr. Smith's CV")).toBe("Mr_ Smith's CV");
    expect(safeFileName('v1.2 final notes')).toBe('v1_2 final notes');
    expect(safeFileName('Vol. 2.pdf')).toBe('Vol. 2.pdf');
  });

  it('renames Windows device names, whatever their case and extension', () => {
    for (const [offered, safe] of [
      ['CON', '_CON'],
      ['con.txt', '_con.txt'],
      ['Lpt1', '_Lpt1'],
      ['nul.tar.gz', '_nul.tar.gz'],
      ['aux .txt', '_aux .txt'],
      ['COM9.log', '_COM9.log'],
      ['com¹', '_com¹'],
      ['clock$', '_clock$'],
      ['CONOUT$.txt', '_CONOUT$.txt'],
      ['desktop.ini', '_desktop.ini'],
      ['Thumbs.db', '_Thumbs.db'],
    ]) {
      expect(safeFileName(offered)).toBe(safe);
    }
  });

  it('leaves names that only begin like a device', () => {
    for (const name of ['console.log', 'com10.txt', 'auxiliary.doc', 'nullable', 'lpt.txt']) {
      expect(safeFileName(name)).toBe(name);
    }
  });

  it('defuses extensions that the Windows shell or a Linux desktop would act on', () => {
    expect(safeFileName('shortcut.lnk')).toBe('shortcut.lnk.download');
    expect(safeFileName('app.exe.LOCAL')).toBe('app.exe.LOCAL.download');
    expect(safeFileName('site.url')).toBe('site.url.download');
    expect(safeFileName('explorer.scf')).toBe('explorer.scf.download');
    expect(safeFileName('launcher.desktop')).toBe('launcher.desktop.download');
    expect(safeFileName('folder.{20D04FE0-3AEA-1069-A2D8-08002B30309D}')).toBe(
      'folder.{20D04FE0-3AEA-1069-A2D8-08002B30309D}.download',
    );
    expect(safeFileName('con.lnk')).toBe('_con.lnk.download');
  });

  it(`cuts a long name to ${MAX_FILE_NAME_BYTES} UTF-8 bytes and keeps its extension`, () => {
    const long = `${'a'.repeat(296)}.pdf`;
    const safe = safeFileName(long);
    expect(long).toHaveLength(300);
    expect(safe).toMatch(/^a+\.pdf$/);
    expect(utf8Length(safe)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(safeFileName(`${'b'.repeat(300)}.tar.gz`)).toMatch(/^b+\.tar\.gz$/);
  });

  it('cuts multi-byte names between characters', () => {
    for (const unit of ['日', 'é', '😀', 'e\u0301\u0323']) {
      const safe = safeFileName(`${unit.repeat(150)}.txt`);
      expect(safe.isWellFormed()).toBe(true);
      expect(safe.endsWith('.txt')).toBe(true);
      expect(utf8Length(safe)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    }
  });

  it('cuts a long name with no usable extension from its end', () => {
    const safe = safeFileName(`report.${'x'.repeat(300)}`);
    expect(safe).toMatch(/^report\.x+$/);
    expect(utf8Length(safe)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
  });

  it('checks again for device names and shell extensions after cutting', () => {
    expect(safeFileName(`con${' '.repeat(300)}x.pdf`)).toBe('_con.pdf');
    expect(safeFileName(`desktop${' '.repeat(300)}x.ini`)).toBe('_desktop.ini');
    const link = safeFileName(`${'a'.repeat(186)}.lnk${'z'.repeat(100)}`);
    expect(link).toMatch(/^a+\.lnk\.download$/);
    expect(utf8Length(link)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
  });

  it('produces names that both browsers accept', () => {
    for (const offered of [
      '../../etc/passwd',
      'a\u202eb',
      'x~y',
      'CON',
      'a.lnk',
      "Mr. Smith's CV",
    ]) {
      const safe = safeFileName(offered);
      expect(chromeAccepts(safe)).toBe(true);
      expect(firefoxSanitize(safe)).toBe(safe);
    }
  });

  describe('for any string', () => {
    /** Any single UTF-16 code unit, lone surrogates and control characters included. */
    const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
    const hostile = fc.constantFrom(
      ...['/', '\\', '.', '..', ' ', '\u00a0', '\u2000', '\u3000', '\t', '\n', '\u2028'],
      ...['\u0000', '\u007f', '\u0085', '\u009b', '\u00ad', '\u180e', '\u200b', '\u200d'],
      ...['\u202e', '\u2066', '\ufeff', '\u3164', '\ufdd0', '\ufffe', '\u{10ffff}', '\u{e0001}'],
      ...['\ud800', '\udc00', '~', '%', ':', '*', '?', '"', '<', '>', '|', '-', '_'],
      ...['con', 'CON', 'Lpt1', 'com¹', 'clock$', 'desktop.ini', 'thumbs.db', 'nul '],
      ...['.lnk', '.LOCAL', '.url', '.scf', '.desktop', '.{x}', '.tar.gz', '.pdf'],
      ...['e\u0301', '\u0301', '\u0338', '<\u0338', '😀', '日本', 'é', 'a', 'x'.repeat(120)],
    );
    const piece = fc.oneof(
      hostile,
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: codeUnit }),
    );
    const offered = fc.oneof(
      fc.array(piece).map((pieces) => pieces.join('')),
      fc.array(piece, { minLength: 20, maxLength: 80 }).map((pieces) => pieces.join('')),
    );

    it('returns a non-empty name of at most the byte cap', () => {
      fc.assert(
        fc.property(offered, (name) => {
          const safe = safeFileName(name);
          expect(safe).not.toBe('');
          expect(utf8Length(safe)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
        }),
        RUNS,
      );
    });

    it('returns no separator, forbidden, control, format or broken character', () => {
      fc.assert(
        fc.property(offered, (name) => {
          const safe = safeFileName(name);
          expect(safe).not.toMatch(/[/\\<>:"|?*%~]/);
          expect(safe).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Noncharacter_Code_Point}]/u);
          expect(safe).not.toMatch(/(?![ \u3000])\p{Zs}/u);
          expect(safe.isWellFormed()).toBe(true);
          expect(safe).toBe(safe.normalize('NFC'));
        }),
        RUNS,
      );
    });

    it('returns no dot or space at the ends, so never . or ..', () => {
      fc.assert(
        fc.property(offered, (name) => {
          const safe = safeFileName(name);
          expect(safe).not.toMatch(/^[\s.]|[\s.]$/u);
          expect(['.', '..']).not.toContain(safe);
        }),
        RUNS,
      );
    });

    it('returns no Windows device name and no extension a shell acts on', () => {
      fc.assert(
        fc.property(offered, (name) => {
          const safe = safeFileName(name);
          expect(safe).not.toMatch(WINDOWS_DEVICE);
          expect(safe).not.toMatch(/^(?:desktop\.ini|thumbs\.db)$/i);
          expect(safe).not.toMatch(/\.(?:lnk|local|url|scf|desktop|\{[^.]*\})$/i);
        }),
        RUNS,
      );
    });

    it('returns a name that both browsers accept', () => {
      fc.assert(
        fc.property(offered, (name) => {
          const safe = safeFileName(name);
          expect(chromeAccepts(safe)).toBe(true);
          expect(firefoxSanitize(safe)).toBe(safe);
        }),
        RUNS,
      );
    });

    it('is idempotent', () => {
      fc.assert(
        fc.property(offered, (name) => {
          const safe = safeFileName(name);
          expect(safeFileName(safe)).toBe(safe);
        }),
        RUNS,
      );
    });
  });

  it('leaves any ordinary name unchanged', () => {
    const word = fc.constantFrom(
      ...['holiday', 'photo', 'Résumé', '2026', '日本語', 'naïve', 'Ünïcödé', 'report-final'],
      ...['v2_draft', '(1)', '[copy]', 'O’Brien', '😀', 'Ελληνικά', 'русский', 'עברית', 'العربية'],
    );
    const extension = fc.constantFrom('', '.pdf', '.jpg', '.txt', '.tar.gz', '.docx', '.7z');
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), extension, (words, ext) => {
        const name = words.join(' ') + ext;
        expect(safeFileName(name)).toBe(name);
      }),
      RUNS,
    );
  });
});
