/** Glucocorticoids given with abiraterone (prednisone 5 mg twice daily, or an equivalent): cited when abiraterone is. */
export const ABIRATERONE_STEROIDS: ReadonlySet<string> = new Set(['prednisone', 'prednisolone', 'dexamethasone', 'methylprednisolone']);
