import { describe, expect, it } from 'vitest';
import { cleanName } from './clean-name.ts';
import { MAX_NAME_LENGTH } from './contact.ts';

describe('cleanName', () => {
  it('keeps an ordinary name, trimmed', () => {
    expect(cleanName('  Zoë Ångström ')).toBe('Zoë Ångström');
  });

  it('drops control characters and invisible direction overrides', () => {
    expect(cleanName('ev\u0000il\u202egnp.exe\n')).toBe('evilgnp.exe');
  });

  it('keeps the zero-width joiner that holds an emoji sequence together', () => {
    const family = '👩\u200d👩\u200d👧';
    expect(cleanName(family)).toBe(family);
  });

  it(`cuts to ${MAX_NAME_LENGTH} UTF-16 units without splitting a character`, () => {
    const name = `${'a'.repeat(MAX_NAME_LENGTH - 1)}😀`;
    const cleaned = cleanName(name);
    expect(cleaned).toBe('a'.repeat(MAX_NAME_LENGTH - 1));
    expect(cleanName('b'.repeat(100))).toHaveLength(MAX_NAME_LENGTH);
  });

  it('turns anything that is not a string into an empty name', () => {
    for (const value of [undefined, null, 42, {}, ['x']]) expect(cleanName(value)).toBe('');
  });
});
