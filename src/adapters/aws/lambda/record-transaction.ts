/** Lambda entry point (being wired). */
export function handler(): Promise<never> {
  return Promise.reject(new Error('not wired yet'));
}
