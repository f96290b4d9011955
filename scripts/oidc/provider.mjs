// OpenID Certified `oidc-provider` (npm) on loopback, for the sign-in browser test (tests/e2e_upload/test_oidc_browser.py).
// One client (the app), two users: « admin » (an administrator's address) and « agent » (another one).
// The provider's own development login pages are used: the test types the account name and accepts.
// Usage: node provider.mjs <port> <app url> <client secret>; prints « oidc-provider prêt » when listening.
import Provider from 'oidc-provider';

const [port, appUrl, clientSecret] = process.argv.slice(2);
const users = {
  admin: { email: 'admin@prefecture.test', name: 'Administratrice de test' },
  agent: { email: 'agent@prefecture.test', name: 'Agent de test' },
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'commerce-exterieur-test',
    client_secret: clientSecret,
    redirect_uris: [`${appUrl}/oauth2callback`],
    post_logout_redirect_uris: [`${appUrl}/oauth2callback`],   // Streamlit's st.logout sends this one
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // Streamlit reads the address from the ID token only (never the userinfo endpoint): the provider must put
  // the scopes' claims there, as most providers do by default.
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    const user = users[id];
    if (!user) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, email_verified: true, ...user }) };
  },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['cle-des-cookies-du-fournisseur-de-test'] },
});
provider.listen(Number(port), '127.0.0.1', () => console.log('oidc-provider prêt'));
