import { z } from 'zod';
import { boundedText } from '../../db/rules.js';
import { authSessions, USER_RULES, users } from '../../db/schema/index.js';
import { text } from '../../lib/text-input.js';
import type { UserDto } from '../users/profile.js';
import { email, type ProfileChanges, profileFields } from '../users/schema.js';
import { PASSWORD_RULE } from './passwords.js';

export { email } from '../users/schema.js';

export const password = z
  .string()
  .min(8, { error: 'PASSWORD_TOO_SHORT' })
  .max(128, { error: 'PASSWORD_TOO_LONG' })
  .regex(PASSWORD_RULE, { error: 'PASSWORD_NEEDS_UPPER_LOWER_DIGIT' });

const bcp47 = z
  .string()
  .max(16)
  .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a BCP 47 tag such as en or pt-BR');
/** Kept with the account at sign-up and with each session, to tell devices apart. */
const fingerprint = boundedText(
  USER_RULES.deviceFingerprint,
  users.deviceFingerprint,
  authSessions.deviceFingerprint,
);
const sixDigits = z
  .string()
  .max(32)
  .trim()
  .regex(/^\d{6}$/, 'must be 6 digits');

export const loginInput = z.object({
  email,
  // Any stored password may be tried; the policy applies when one is set, not when it is checked.
  password: z.string().min(1).max(256),
  rememberMe: z.boolean().optional(),
  deviceFingerprint: fingerprint.optional(),
  captchaToken: z.string().max(4096).optional(),
});

/**
 * The app sends `{name, email, password}`; the contract adds displayName, acceptedTerms, locale. Both work:
 * without a name the display name is the name. `locale` is checked but not stored (api-contract §3.3).
 */
export const signupInput = z
  .object({
    email,
    password,
    name: profileFields.name.optional(),
    displayName: profileFields.displayName.optional(),
    acceptedTerms: z.boolean().optional(),
    locale: bcp47.optional(),
    deviceFingerprint: fingerprint.optional(),
  })
  .refine((input) => input.name !== undefined || input.displayName !== undefined, {
    error: 'NAME_REQUIRED',
    path: ['name'],
  })
  .refine((input) => input.acceptedTerms !== false, { error: 'MUST_ACCEPT_TERMS', path: ['acceptedTerms'] });

export const refreshTokenInput = z.object({ refreshToken: z.string().trim().min(1).max(512) });

/** The contract names the code both `otp` and `code`; either is accepted. */
export const verifyEmailInput = z
  .object({ email, otp: sixDigits.optional(), code: sixDigits.optional() })
  .refine((input) => input.otp !== undefined || input.code !== undefined, {
    error: 'CODE_REQUIRED',
    path: ['code'],
  });

export const requestPasswordResetInput = z.object({ email });
export const resetPasswordInput = z.object({ email, code: sixDigits, password });
export const unlockAccountInput = z.object({ email, code: sixDigits });

export const changePasswordInput = z
  .object({
    currentPassword: z.string().min(1).max(256),
    newPassword: password,
    confirmPassword: z.string().max(256),
  })
  .refine((input) => input.newPassword === input.confirmPassword, {
    error: 'PASSWORDS_DO_NOT_MATCH',
    path: ['confirmPassword'],
  });

const imageFileRef = z.object({
  uri: profileFields.avatarUrl,
  mimeType: z.enum(['image/jpeg', 'image/png', 'image/webp', 'image/gif']),
  sizeBytes: z.number().int().positive().max(5_000_000),
  name: text().min(1).max(255),
});

/**
 * `auth.updateProfile` (api-contract §3.3) in its own words, turned into the users module's profile
 * change: the same fields follow the same rules whichever procedure sets them.
 */
export const updateProfileInput = z
  .object({
    displayName: profileFields.displayName.optional(),
    bio: profileFields.bio.optional(),
    avatar: imageFileRef.optional(),
    name: profileFields.name.optional(),
    email: profileFields.email.optional(),
    nativeLanguage: profileFields.nativeLanguage.optional(),
    targetLanguage: profileFields.selectedLanguage.optional(),
    proficiencyLevel: profileFields.proficiencyLevel.optional(),
    dailyGoal: profileFields.dailyGoalMinutes.optional(),
  })
  .transform(
    ({ avatar, targetLanguage, dailyGoal, ...same }): ProfileChanges => ({
      ...same,
      avatarUrl: avatar?.uri,
      selectedLanguage: targetLanguage,
      dailyGoalMinutes: dailyGoal,
    }),
  );

export const revokeSessionInput = z.object({ sessionId: z.uuid() });

export type LoginInput = z.infer<typeof loginInput>;
export type SignupInput = z.infer<typeof signupInput>;

export interface AuthResult {
  user: UserDto;
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  securityLevel: UserDto['securityLevel'];
}

export interface SessionDto {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ipAddress: string | null;
  userAgent: string | null;
  current: boolean;
}
