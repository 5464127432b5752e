import { effectiveStatus, type AppStanding, type AppStatus } from '../../domain/partners/partner-app.js';

/**
 * The SQL that reads an app's standing alongside another row (a consent, or the app itself): join the app as `app`
 * on `{clientIdColumn}` with {@link APP_STANDING_JOIN} and select {@link APP_STANDING_COLUMNS}; the status of the
 * portal app of its software comes from the software index. Read on every API call, so it rides on a statement the
 * call makes anyway.
 */
export const APP_STANDING_JOIN = (clientIdColumn: string) => `LEFT JOIN software app ON app.client_id = ${clientIdColumn}`;

export const APP_STANDING_COLUMNS = `app.status AS app_status, app.version AS app_version,
  (SELECT p.status FROM software p WHERE p.software_id = app.software_id AND p.partner_id = app.partner_id AND p.origin <> 'dcr' ORDER BY p.created_at LIMIT 1) AS software_status`;

/** What {@link APP_STANDING_COLUMNS} yield in a row. */
export interface AppStandingRow {
  app_status: string | null;
  app_version: number | string | null;
  software_status: string | null;
}

/** The app's standing from a row read with the columns above; null when the app does not exist. */
export function appStandingOf(row: AppStandingRow): AppStanding | null {
  if (row.app_status === null) return null;
  return { status: effectiveStatus(row.app_status as AppStatus, row.software_status as AppStatus | null), version: Number(row.app_version) };
}
