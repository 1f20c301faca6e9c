import { compile } from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';

/**
 * Compiles a FHIRPath expression once, with the R4 model (so choice types such as `medication` and `value`
 * resolve). Call it at module load, never per request.
 * @param expression - FHIRPath, evaluated with the resource (or element) as its root
 */
export function fhirPath<T = unknown>(expression: string): (input: object) => T[] {
  const evaluate = compile(expression, r4);
  return (input) => evaluate(input) as T[];
}
