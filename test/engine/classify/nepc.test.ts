import { describe, expect, it } from 'vitest';
import { classifyNepc } from '../../../src/engine/classify/nepc.js';
import { lungCancer, picture, prostateCancer, smallCell } from '../builders.js';

describe('classifyNepc (rules.md §2)', () => {
  it('prostate cancer + small cell in a liver metastasis, no other primary → NEPC', () => {
    const result = classifyNepc(picture({ cancers: [prostateCancer()], histology: [smallCell()] }));
    expect(result).toMatchObject({ status: 'nepc', mixed: false });
  });

  it.each(['large-cell-nec', 'nec-poorly-differentiated'] as const)('%s histology counts like small cell', (histologyClass) => {
    expect(classifyNepc(picture({ cancers: [prostateCancer()], histology: [smallCell({ histologyClass })] })).status).toBe('nepc');
  });

  it.each(['adenocarcinoma', 'net-well-differentiated', 'neuroendocrine-unspecified', 'minen'] as const)('%s histology alone is not NEPC', (histologyClass) => {
    expect(classifyNepc(picture({ cancers: [prostateCancer()], histology: [smallCell({ histologyClass })] })).status).toBe('none');
  });

  it('small cell without prostate cancer is not NEPC', () => {
    expect(classifyNepc(picture({ cancers: [lungCancer()], histology: [smallCell()] })).status).toBe('none');
  });

  it('prostate cancer without small cell is not NEPC', () => {
    expect(classifyNepc(picture({ cancers: [prostateCancer()] })).status).toBe('none');
  });

  it('a lung primary on record makes a liver small cell finding origin-uncertain', () => {
    const result = classifyNepc(picture({ cancers: [prostateCancer(), lungCancer()], histology: [smallCell()] }));
    expect(result.status).toBe('origin-uncertain');
  });

  it('a Merkel cell carcinoma on record makes it origin-uncertain too', () => {
    const merkel = lungCancer({ primarySite: 'merkel', display: 'Merkel cell carcinoma' });
    expect(classifyNepc(picture({ cancers: [prostateCancer(), merkel], histology: [smallCell()] })).status).toBe('origin-uncertain');
  });

  it.each(['prostate', 'pelvis', 'bladder'])('small cell in a %s specimen is NEPC even with a lung primary', (specimenSite) => {
    const result = classifyNepc(picture({ cancers: [prostateCancer(), lungCancer()], histology: [smallCell({ specimenSite })] }));
    expect(result.status).toBe('nepc');
  });

  it('a finding with no specimen site and no other primary is NEPC', () => {
    expect(classifyNepc(picture({ cancers: [prostateCancer()], histology: [smallCell({ specimenSite: undefined })] })).status).toBe('nepc');
  });

  it('mixed histology in the attributable specimen makes it mixed', () => {
    const result = classifyNepc(picture({ cancers: [prostateCancer()], histology: [smallCell({ mixed: true })] }));
    expect(result).toMatchObject({ status: 'nepc', mixed: true });
  });

  it('a mixed finding in a non-attributable specimen does not soften a pure prostate finding', () => {
    const result = classifyNepc(
      picture({
        cancers: [prostateCancer(), lungCancer()],
        histology: [smallCell({ specimenSite: 'prostate' }), smallCell({ specimenSite: 'liver', mixed: true, sources: ['DiagnosticReport/other'] })],
      }),
    );
    expect(result).toMatchObject({ status: 'nepc', mixed: false });
  });
});
