export { type BackupEnv, type BackupResult, createBackup } from './backup.js';
export { type BackupManifest, backupPaths, readManifest } from './manifest.js';
export { type RestoreOptions, type RestoreResult, restoreBackup, verifyBackup } from './restore.js';
export { countUserRelations, type TableFingerprint, tableFingerprints } from './verify.js';
