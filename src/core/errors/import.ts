import type { ErrorTable } from './registry.js';

/**
 * File import (`fupan import …`). The first five are fatal and raised before anything is
 * written; the `import_row_*` / `import_value_*` codes describe one rejected row and end up
 * in the reject file, never as an exception.
 */
export const importErrors = {
  import_file_unreadable: {
    status: 400,
    message: {
      'en-US': 'Cannot read {file}: {problem}',
      'zh-CN': '无法读取文件 {file}：{problem}',
    },
  },
  import_format_unsupported: {
    status: 400,
    message: {
      'en-US': 'Cannot tell the format of {file} ({problem}); name it .csv, .tsv, .ndjson/.jsonl, .parquet or .xlsx, or pass --format csv|ndjson|parquet|xlsx',
      'zh-CN': '无法识别 {file} 的格式（{problem}）；请使用 .csv、.tsv、.ndjson/.jsonl、.parquet 或 .xlsx 扩展名，或指定 --format csv|ndjson|parquet|xlsx',
    },
  },
  import_columns_missing: {
    status: 400,
    message: {
      'en-US': '{file} lacks the columns a {kind} import needs: {missing}. Columns found: {found}. Name them with --map, e.g. --map {example}',
      'zh-CN': '{file} 缺少导入{kindZh}所需的列：{missing}。文件中的列：{found}。可用 --map 指定对应关系，例如 --map {example}',
    },
  },
  import_map_invalid: {
    status: 400,
    message: {
      'en-US': 'Invalid --map entry `{entry}`: {problem}',
      'zh-CN': '--map 参数 `{entry}` 无效：{problem}',
    },
  },
  import_file_corrupt: {
    status: 422,
    message: {
      'en-US': '{file} became unreadable at row {row}: {problem}. {written} rows had already been imported; fix the file and import it again (rows already imported are not counted twice)',
      'zh-CN': '{file} 在第 {row} 行处无法继续读取：{problem}。此前已导入 {written} 行；修复文件后重新导入即可（已导入的行不会重复计算）',
    },
  },
  import_row_unparseable: {
    status: 400,
    message: {
      'en-US': 'The row cannot be parsed: {problem}',
      'zh-CN': '该行无法解析：{problem}',
    },
  },
  import_value_missing: {
    status: 400,
    message: {
      'en-US': '`{field}` is empty',
      'zh-CN': '`{field}` 为空',
    },
  },
  import_value_invalid: {
    status: 400,
    message: {
      'en-US': '`{field}` = "{value}" is not {expected}',
      'zh-CN': '`{field}` 的值“{value}”不是{expectedZh}',
    },
  },
  import_order_status_unknown: {
    status: 400,
    message: {
      'en-US': 'Order status "{value}" is not known; use paid or refunded (see docs/import.md)',
      'zh-CN': '订单状态“{value}”无法识别；请使用 paid（已支付）或 refunded（已退款），详见 docs/import.md',
    },
  },
} satisfies ErrorTable;
