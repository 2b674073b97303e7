/**
 * Escaping for user-written text (reflections, lessons, actions, risks, and any name that
 * came from data). Everything a person typed is treated as plain text: in HTML it is
 * entity-escaped so a `<script>` stays inert; in Markdown it is escaped so it cannot
 * open a tag, break a table or inject a link.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Text for a Markdown table cell: one line, pipes and HTML escaped. */
export function mdCell(text: string): string {
  return escapeMarkdown(text).replace(/\r?\n/g, '<br>').replace(/\|/g, '\\|');
}

/** Inline Markdown text: HTML and link/emphasis syntax escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/([\\`*_[\]#!])/g, '\\$1');
}
