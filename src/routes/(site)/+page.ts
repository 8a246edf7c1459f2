// The home page has no interactive part: it ships no JavaScript (links and forms
// work as plain HTML), which keeps it fast on a phone.
export const csr = false;
