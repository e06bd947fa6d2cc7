/**
 * An address fit for a log line: the first character of the mailbox and the domain, `j***@example.com`.
 * Enough to tell messages apart while debugging, not enough to read someone's address from the logs.
 */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return '***';
  return `${address[0]}***@${address.slice(at + 1)}`;
}
