import type { ErrorTable } from './registry.js';

/** Accounts, sessions, invitations and memberships. */
export const authErrors = {
  invalid_credentials: {
    status: 401,
    message: {
      'en-US': 'The email or password is wrong',
      'zh-CN': '邮箱或密码不正确',
    },
  },
  too_many_sign_ins: {
    status: 429,
    message: {
      'en-US': 'Too many failed sign-ins for this account or from this address; try again in {minutes} min',
      'zh-CN': '该账号或该地址登录失败次数过多，请 {minutes} 分钟后再试',
    },
  },
  session_expired: {
    status: 401,
    message: {
      'en-US': 'Your session has expired; sign in again',
      'zh-CN': '登录已过期，请重新登录',
    },
  },
  csrf_failed: {
    status: 403,
    message: {
      'en-US': 'The request was refused as possibly forged (missing or wrong X-CSRF-Token header); reload the page and try again',
      'zh-CN': '请求缺少有效的 X-CSRF-Token 请求头，可能是伪造请求，已拒绝；请刷新页面后重试',
    },
  },
  setup_done: {
    status: 409,
    message: {
      'en-US': 'This server already has an owner account; sign in instead',
      'zh-CN': '此服务已有所有者账号，请直接登录',
    },
  },
  email_taken: {
    status: 409,
    message: {
      'en-US': 'An account with the email {email} already exists; sign in with it',
      'zh-CN': '邮箱 {email} 已注册，请用它登录',
    },
  },
  invitation_invalid: {
    status: 410,
    message: {
      'en-US': 'This invitation is not valid any more ({reason}); ask for a new one',
      'zh-CN': '此邀请已失效（{reason}），请向项目所有者重新索取',
    },
  },
  last_owner: {
    status: 409,
    message: {
      'en-US': 'A project needs at least one owner; make someone else owner first',
      'zh-CN': '项目至少需要一位所有者，请先把其他成员设为所有者',
    },
  },
} satisfies ErrorTable;
