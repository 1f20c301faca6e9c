/**
 * Body surface area by Mosteller: √(weight × height / 3600).
 * @param weightKg - body weight, kg
 * @param heightCm - body height, cm
 * @returns m²
 */
export function mostellerBsa(weightKg: number, heightCm: number): number {
  return Math.sqrt((weightKg * heightCm) / 3600);
}

/** The Mosteller calculation with its values, for a card: "√(78.4 kg × 175.0 cm / 3600) = 1.95 m²". */
export function mostellerFormula(weightKg: number, heightCm: number): string {
  return `√(${weightKg.toFixed(1)} kg × ${heightCm.toFixed(1)} cm / 3600) = ${mostellerBsa(weightKg, heightCm).toFixed(2)} m²`;
}
