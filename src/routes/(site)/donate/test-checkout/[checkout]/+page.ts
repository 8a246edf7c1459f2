// Plain forms only: no JavaScript is shipped, as on Stripe's page without it.
export const csr = false;
