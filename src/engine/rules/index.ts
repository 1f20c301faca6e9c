import type { Rule } from '../recommendation.js';
import { avoidArpiSmallCell } from './avoid-arpi-small-cell.js';
import { avoidColorectalRegimenFirstLine } from './avoid-colorectal-regimen-first-line.js';
import { avoidLiverDirectedHighGrade } from './avoid-liver-directed-high-grade.js';
import { avoidSsaHighGrade } from './avoid-ssa-high-grade.js';
import { avoidUpfrontSurgeryExtensiveNec } from './avoid-upfront-surgery-extensive-nec.js';
import { biopsySuspectedNepc } from './biopsy-suspected-nepc.js';
import { boneHealthNepc } from './bone-health-nepc.js';
import { chemoDoseCheck } from './chemo-dose-check.js';
import { cisplatinRenalRisk } from './cisplatin-renal-risk.js';
import { clinicalTrialReferral } from './clinical-trial-referral.js';
import { confirmNecOrigin } from './confirm-nec-origin.js';
import { gradeBeforeTherapy } from './grade-before-therapy.js';
import { hepaticDoseCheck } from './hepatic-dose-check.js';
import { netG3NotNec } from './net-g3-not-nec.js';
import { parpiWithoutHrr } from './parpi-without-hrr.js';
import { platinumInLowGradeNet } from './platinum-in-low-grade-net.js';
import { preCycleLabs } from './pre-cycle-labs.js';
import { psaUnreliableNepc } from './psa-unreliable-nepc.js';
import { radium223Visceral } from './radium-223-visceral.js';
import { secondLineOptions } from './second-line-options.js';
import { startPlatinumEtoposide } from './start-platinum-etoposide.js';
import { stopAdtSmallCell } from './stop-adt-small-cell.js';
import { stopVegfTkiSmallCell } from './stop-vegf-tki-small-cell.js';
import { wellDifferentiatedNetOptions } from './well-differentiated-net-options.js';

/** Every rule of rules.md §4, in the catalogue's order. */
export const rules: readonly Rule[] = [
  stopAdtSmallCell,
  stopVegfTkiSmallCell,
  startPlatinumEtoposide,
  avoidArpiSmallCell,
  radium223Visceral,
  psaUnreliableNepc,
  biopsySuspectedNepc,
  confirmNecOrigin,
  gradeBeforeTherapy,
  avoidSsaHighGrade,
  avoidLiverDirectedHighGrade,
  avoidColorectalRegimenFirstLine,
  platinumInLowGradeNet,
  netG3NotNec,
  wellDifferentiatedNetOptions,
  secondLineOptions,
  cisplatinRenalRisk,
  chemoDoseCheck,
  hepaticDoseCheck,
  preCycleLabs,
  clinicalTrialReferral,
  avoidUpfrontSurgeryExtensiveNec,
  boneHealthNepc,
  parpiWithoutHrr,
];
