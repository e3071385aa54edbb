/** A promise-based confirmation: `if (await confirm({...})) { ... }`. */
export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  /** The safe button's words (it has the focus); "Cancel" unless given. */
  cancelLabel?: string;
  /** Styles the confirm button as dangerous. */
  danger?: boolean;
}

interface Pending extends ConfirmRequest {
  resolve: (ok: boolean) => void;
}

class ConfirmModel {
  current = $state<Pending | null>(null);

  ask(request: ConfirmRequest): Promise<boolean> {
    this.current?.resolve(false);
    return new Promise((resolve) => {
      this.current = { ...request, resolve };
    });
  }

  answer(ok: boolean) {
    const pending = this.current;
    this.current = null;
    pending?.resolve(ok);
  }
}

export const confirmModel = new ConfirmModel();
export const confirm = (request: ConfirmRequest) => confirmModel.ask(request);
