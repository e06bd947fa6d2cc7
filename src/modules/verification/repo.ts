import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { type NewVerificationCode, type VerificationCode, verificationCodes } from '../../db/schema/index.js';

type Purpose = VerificationCode['purpose'];

/** Retires every unused code of one purpose sent to `email`: only the newest code may work. */
export async function retireCodes(tx: Tx, email: string, purpose: Purpose, now: Date): Promise<void> {
  await tx
    .update(verificationCodes)
    .set({ consumedAt: now })
    .where(
      and(
        eq(verificationCodes.email, email),
        eq(verificationCodes.purpose, purpose),
        isNull(verificationCodes.consumedAt),
      ),
    );
}

export async function insertCode(tx: Tx, values: NewVerificationCode): Promise<void> {
  await tx.insert(verificationCodes).values(values);
}

/** The newest unused, unexpired code of a purpose for `email`, locked so attempts on it serialise. */
export async function findLiveCodeForUpdate(
  tx: Tx,
  params: { email: string; purpose: Purpose; now: Date },
): Promise<VerificationCode | null> {
  const [row] = await tx
    .select()
    .from(verificationCodes)
    .where(
      and(
        eq(verificationCodes.email, params.email),
        eq(verificationCodes.purpose, params.purpose),
        isNull(verificationCodes.consumedAt),
        gt(verificationCodes.expiresAt, params.now),
      ),
    )
    .orderBy(desc(verificationCodes.createdAt))
    .limit(1)
    .for('update');
  return row ?? null;
}

export async function setAttempts(db: Db | Tx, id: string, attempts: number): Promise<void> {
  await db.update(verificationCodes).set({ attempts }).where(eq(verificationCodes.id, id));
}

export async function markConsumed(tx: Tx, id: string, now: Date): Promise<void> {
  await tx.update(verificationCodes).set({ consumedAt: now }).where(eq(verificationCodes.id, id));
}
