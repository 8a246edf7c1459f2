// Links only: no JavaScript is shipped.
export const csr = false;
