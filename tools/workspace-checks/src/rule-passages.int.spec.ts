import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPLIANCE_RULES, RULE_CATALOGUES } from '@gpds/compliance';

// The Operating Model excerpt the compliance rules quote: ../shared/seed beside the project.
const SEED = join(__dirname, '..', '..', '..', '..', 'shared', 'seed', 'gp-it-operating-model-2021-23-excerpt.txt');

describe('the compliance rules quote the Operating Model', () => {
  it('word for word, from the section each names, in every version of the catalogue', () => {
    expect(existsSync(SEED)).toBe(true);
    // Line breaks and runs of spaces in the excerpt are not part of the words.
    const seed = readFileSync(SEED, 'utf8').replace(/\s+/g, ' ');
    for (const catalogue of RULE_CATALOGUES.values()) {
      for (const rule of catalogue.rules) {
        expect(rule.passages.length).toBeGreaterThan(0);
        for (const passage of rule.passages) {
          expect({ version: catalogue.version, rule: rule.id, quoted: seed.includes(passage.replace(/\s+/g, ' ')) }).toEqual({
            version: catalogue.version,
            rule: rule.id,
            quoted: true,
          });
        }
        expect({ rule: rule.id, section: seed.includes(rule.section) }).toEqual({ rule: rule.id, section: true });
      }
    }
  });

  it('and docs/compliance.md explains every rule of the catalogue in force with its passages', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'compliance.md'), 'utf8');
    for (const rule of COMPLIANCE_RULES.rules) {
      expect({ rule: rule.id, heading: doc.includes(`### \`${rule.id}\``) }).toEqual({ rule: rule.id, heading: true });
      for (const passage of rule.passages) expect({ rule: rule.id, quoted: doc.includes(`> ${passage}`) }).toEqual({ rule: rule.id, quoted: true });
    }
  });
});
