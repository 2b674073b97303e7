import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, get, patch, post, setApiLang, setCsrfToken, setUnauthorizedHandler } from './api.js';
import { ErrorState, Loading } from './components/States.js';
import { browserLang, I18nProvider, type Lang } from './i18n/index.js';
import { AcceptInvite, SetupPage, SignInPage } from './pages/Auth.js';
import { Routes } from './Routes.js';
import { match, usePath } from './router.js';
import { SessionContext } from './session.js';
import type { Me } from './types.js';

const LANG_KEY = 'fupan_lang';

type Boot = { state: 'loading' } | { state: 'setup' } | { state: 'signin' } | { state: 'ready'; me: Me } | { state: 'error'; error: unknown };

export function App() {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem(LANG_KEY) as Lang | null) ?? browserLang());
  const path = usePath();

  const load = useCallback(async () => {
    try {
      const { needsSetup } = await get<{ needsSetup: boolean }>('/api/setup');
      if (needsSetup) return setBoot({ state: 'setup' });
      const me = await get<Me>('/api/me', { quiet401: true });
      setCsrfToken(me.csrfToken);
      if (me.user.lang) setLangState(me.user.lang);
      setBoot({ state: 'ready', me });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setBoot({ state: 'signin' });
      else setBoot({ state: 'error', error: e });
    }
  }, []);

  useEffect(() => {
    void load();
    setUnauthorizedHandler(() => setBoot({ state: 'signin' }));
    return () => setUnauthorizedHandler(null);
  }, [load]);

  useEffect(() => {
    setApiLang(lang);
    dayjs.locale(lang === 'zh-CN' ? 'zh-cn' : 'en');
    document.documentElement.lang = lang;
  }, [lang]);

  const setLang = useCallback(
    (l: Lang) => {
      setLangState(l);
      localStorage.setItem(LANG_KEY, l);
      if (boot.state === 'ready') void patch('/api/me', { lang: l }).catch(() => undefined);
    },
    [boot.state],
  );

  const onSignedIn = useCallback((me: Me) => {
    setCsrfToken(me.csrfToken);
    if (me.user.lang) setLangState(me.user.lang);
    setBoot({ state: 'ready', me });
  }, []);

  const session = useMemo(
    () =>
      boot.state === 'ready'
        ? {
            me: boot.me,
            reloadMe: async () => {
              const me = await get<Me>('/api/me');
              setBoot({ state: 'ready', me });
            },
            signOut: async () => {
              await post('/api/auth/sign-out').catch(() => undefined);
              setCsrfToken(null);
              setBoot({ state: 'signin' });
            },
          }
        : null,
    [boot],
  );

  const invite = match('/invite/:token', path);
  let body;
  if (boot.state === 'loading') body = <Loading />;
  else if (boot.state === 'error') body = <div style={{ padding: 24 }}><ErrorState error={boot.error} onRetry={() => void load()} /></div>;
  else if (boot.state === 'setup') body = <SetupPage onDone={onSignedIn} />;
  else if (invite) body = <AcceptInvite token={invite.token!} me={boot.state === 'ready' ? boot.me : null} onDone={onSignedIn} />;
  else if (boot.state === 'signin') body = <SignInPage onDone={onSignedIn} />;
  else body = <SessionContext.Provider value={session}><Routes path={path} /></SessionContext.Provider>;

  return (
    <ConfigProvider locale={lang === 'zh-CN' ? zhCN : enUS} theme={{ token: { colorPrimary: '#1668dc', borderRadius: 6 } }}>
      <AntApp>
        <I18nProvider lang={lang} setLang={setLang}>
          {body}
        </I18nProvider>
      </AntApp>
    </ConfigProvider>
  );
}
