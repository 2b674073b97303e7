import { GlobalOutlined } from '@ant-design/icons';
import { Select } from 'antd';
import { LANGS, useI18n, type Lang } from '../i18n/index.js';

export function LangSwitch({ size = 'middle' }: { size?: 'small' | 'middle' }) {
  const { lang, setLang, t } = useI18n();
  return (
    <Select<Lang>
      aria-label={t('lang.label')}
      data-testid="lang-switch"
      size={size}
      value={lang}
      onChange={setLang}
      suffixIcon={<GlobalOutlined />}
      style={{ width: 112 }}
      options={LANGS.map((l) => ({ value: l, label: t(`lang.${l}`) }))}
    />
  );
}
