import { Typography } from 'antd';
import type { ReactNode } from 'react';

export function PageHeader({ title, extra, sub }: { title: ReactNode; extra?: ReactNode; sub?: ReactNode }) {
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 12, marginBottom: 16 }}>
      <div style={{ flex: 1, minWidth: 200 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>{title}</Typography.Title>
        {sub && <Typography.Text type="secondary">{sub}</Typography.Text>}
      </div>
      {extra}
    </div>
  );
}
