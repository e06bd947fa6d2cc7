/** What a page gets besides its root: route parameters, and a place to register clean-up (charts). */
export interface PageContext {
  params: string[];
  onLeave(dispose: () => void): void;
  navigate(hash: string): void;
}

export type Page = (root: HTMLElement, context: PageContext) => void | Promise<void>;
