// Links and plain forms only: no JavaScript is shipped. "Check again" reloads the page.
export const csr = false;
