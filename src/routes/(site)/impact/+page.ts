// The story and its charts are drawn on the server; nothing on the page needs
// JavaScript, so none is shipped.
export const csr = false;
