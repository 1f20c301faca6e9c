import { describe, expect, it } from 'vitest';
import { readHistologyText, specimenSiteFromText } from '../../../src/fhir/extract/text-findings.js';

const classes = (text: string) => readHistologyText(text).map((f) => f.histologyClass);

describe('readHistologyText: asserted findings', () => {
  it.each([
    ['Liver, core biopsy: metastatic small cell carcinoma (synaptophysin+, Ki-67 80%).', 'small-cell'],
    ['Consistent with treatment-emergent small cell transformation of prostate adenocarcinoma.', 'small-cell'],
    ['Small-cell neuroendocrine carcinoma.', 'small-cell'],
    ['Oat cell carcinoma.', 'small-cell'],
    ['Large cell neuroendocrine carcinoma of the lung.', 'large-cell-nec'],
    ['Poorly differentiated neuroendocrine carcinoma, Ki-67 70%.', 'nec-poorly-differentiated'],
    ['High-grade neuroendocrine carcinoma.', 'nec-poorly-differentiated'],
    ['Neuroendocrine carcinoma of the sigmoid colon.', 'nec-poorly-differentiated'],
    ['Well-differentiated neuroendocrine tumor, G2.', 'net-well-differentiated'],
    ['No adenocarcinoma seen but small cell carcinoma present.', 'small-cell'],
    ['Sigmoid colon, biopsy: poorly differentiated neuroendocrine carcinoma, large cell type features absent; Ki-67 65%.', 'nec-poorly-differentiated'],
  ])('%s → %s', (text, expected) => {
    expect(classes(text)).toEqual([expected]);
  });

  it('a small cell neuroendocrine carcinoma is one finding, not also an NEC NOS', () => {
    expect(classes('Small cell neuroendocrine carcinoma')).toEqual(['small-cell']);
  });

  it('keeps the sentence it read, for the card', () => {
    const [finding] = readHistologyText('Specimen adequate. Liver: metastatic small cell carcinoma. Margins n/a.');
    expect(finding?.sentence).toBe('Liver: metastatic small cell carcinoma');
  });
});

describe('readHistologyText: negated, uncertain and look-alike phrases are not findings', () => {
  it.each([
    'No small cell component identified; synaptophysin and chromogranin negative.',
    'Metastatic adenocarcinoma, no small cell component.',
    'Negative for small cell carcinoma.',
    'Small cell carcinoma is not identified.',
    'Small cell carcinoma: absent.',
    'Without small cell features or small cell carcinoma.',
    'Cannot exclude small cell carcinoma.',
    'Small cell carcinoma cannot be excluded.',
    'Suspicious for small cell carcinoma.',
    'Possible small cell transformation; recommend repeat biopsy.',
    'Differential includes small cell carcinoma versus lymphoma.',
    'Rule out small cell carcinoma.',
    'Small cell carcinoma?',
    'Non-small cell lung carcinoma, adenocarcinoma type.',
    'Non small cell carcinoma.',
    'Prostatic adenocarcinoma with neuroendocrine differentiation.',
    'Focal chromogranin and synaptophysin positivity (neuroendocrine features).',
    'Small lymphocytic lymphoma.',
    'Small cell lymphocytic lymphoma.',
    'Small round blue cell tumour.',
    'Desmoplastic small round cell tumour.',
  ])('%s', (text) => {
    expect(classes(text)).toEqual([]);
  });
});

describe('readHistologyText: mixed histology', () => {
  it.each([
    'Small cell carcinoma with a component of acinar adenocarcinoma (Gleason 4+4).',
    'Mixed small cell carcinoma and acinar adenocarcinoma of prostate.',
    'Combined small cell carcinoma.',
    'Small cell carcinoma. An adenocarcinoma component is present.',
  ])('%s → mixed', (text) => {
    expect(readHistologyText(text)[0]?.mixed).toBe(true);
  });

  it.each([
    'Metastatic small cell carcinoma, consistent with small cell transformation of prostate adenocarcinoma.',
    'Small cell carcinoma; no adenocarcinoma component identified.',
  ])('%s → not mixed', (text) => {
    expect(readHistologyText(text)[0]?.mixed).toBe(false);
  });
});

describe('specimenSiteFromText', () => {
  it.each([
    ['Liver, segment VI, core needle biopsy', 'liver'],
    ['Prostate, needle biopsies (12 cores)', 'prostate'],
    ['Lymph node, left supraclavicular, excision', 'lymph-node'],
    ['Right lung, lower lobe, wedge', 'lung'],
    ['Specimen: pelvic mass', 'pelvis'],
    ['Skin, punch biopsy', undefined],
  ])('%s → %s', (text, site) => {
    expect(specimenSiteFromText(text)).toBe(site);
  });
});
