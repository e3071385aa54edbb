import type { AppError, ErrorKind } from "../bindings";

export type Severity = "warning" | "error";

export interface ErrorAdvice {
  /** A short heading in a manager's words. */
  title: string;
  severity: Severity;
  /** What to do next; empty where the error's own message says it. */
  nextStep: string;
}

/** The one table from an error's kind to the words a manager reads. */
export const ERROR_ADVICE: Record<ErrorKind, ErrorAdvice> = {
  InvalidInput: {
    title: "Check what you entered",
    severity: "warning",
    nextStep: "Correct the highlighted field and try again.",
  },
  InvalidAddress: {
    title: "The DeepCall address is not right",
    severity: "warning",
    nextStep: "Check the address in Accounts. It usually starts with https://.",
  },
  Network: {
    title: "DeepCall could not be reached",
    severity: "error",
    nextStep: "Check this computer's internet connection, then retry.",
  },
  Timeout: {
    title: "DeepCall is taking too long",
    severity: "error",
    nextStep: "Wait a moment and retry.",
  },
  BadAnswer: {
    title: "The answer was not what DeepCall sends",
    severity: "error",
    nextStep: "Check the account's address in Accounts, or retry later.",
  },
  Unauthorized: {
    title: "DeepCall did not accept the sign-in",
    severity: "error",
    nextStep: "Update the token or session ID in Accounts.",
  },
  PermissionDenied: {
    title: "Not allowed for this user",
    severity: "error",
    nextStep: "Ask your DeepCall administrator to grant the permission.",
  },
  NotFound: {
    title: "Not found",
    severity: "warning",
    nextStep: "Check the number and try again.",
  },
  History: {
    title: "History is not available",
    severity: "error",
    // DeepCall Desk's own message names the cause and what to do about it
    // (a full disk, another copy open, a file in use): one step for every
    // cause would be wrong for most of them.
    nextStep: "",
  },
  Removed: {
    title: "No longer kept",
    severity: "warning",
    nextStep: "Every change is still listed in History.",
  },
  Rejected: {
    title: "DeepCall refused the change",
    severity: "error",
    nextStep: "Check the values and try again.",
  },
  ServerTrouble: {
    title: "DeepCall has a problem",
    severity: "error",
    nextStep: "If it keeps happening, DeepCall may be down: ask your DeepCall administrator.",
  },
  KeyringUnavailable: {
    title: "No keyring on this computer",
    severity: "error",
    nextStep:
      "Install and unlock GNOME Keyring (or KWallet), then try again. The Sandbox works meanwhile.",
  },
  KeyringLocked: {
    title: "Your keyring is locked",
    severity: "warning",
    nextStep: "Unlock your login keyring, then try again.",
  },
  Storage: {
    title: "The account list could not be saved",
    severity: "error",
    nextStep: "Check that the disk is not full, then try again.",
  },
  FileNotSaved: {
    title: "The file could not be saved",
    severity: "error",
    nextStep: "Choose another folder, for example Documents, and try again.",
  },
  FileNotRead: {
    title: "This file cannot be used",
    severity: "error",
    nextStep:
      "Choose another file, or save this one from your spreadsheet as “CSV UTF-8” and choose it again.",
  },
  Internal: {
    title: "Something went wrong in DeepCall Desk",
    severity: "error",
    nextStep: "Restart the app. If it happens again, tell your IT contact what you were doing.",
  },
};

export function adviceFor(error: AppError): ErrorAdvice {
  return ERROR_ADVICE[error.kind] ?? ERROR_ADVICE.Internal;
}

/** Tauri's own failures (unknown command, denied permission) reject with a
 * plain string, not an AppError: turn anything unexpected into one. */
export function asAppError(e: unknown): AppError {
  if (typeof e === "object" && e !== null && "kind" in e && "message" in e) {
    return e as AppError;
  }
  return {
    kind: "Internal",
    message: "DeepCall Desk could not complete that request.",
    field: null,
    retryable: true,
  };
}
