/**
 * /alerts and /alerts/:section — the alerting area: firing alerts, silences, rules, history and
 * receivers, one tab each. The API enforces permissions; the tabs only arrange the views.
 */
import type { ComponentType } from 'preact';
import { Link } from 'wouter-preact';
import { setAlertingCsrf } from '../../api/alerting.js';
import { useSession } from '../../app/session.js';
import { AlertsSection } from './alerts-list.js';
import { HistorySection } from './history.js';
import { ReceiversSection } from './receivers.js';
import { RulesSection } from './rules.js';
import { SilencesSection } from './silences.js';
import './alerts.css';

export interface SectionProps {
  user: string;
  admin: boolean;
  /** May change things in the tenant (rule groups, silences). */
  editor: boolean;
}

const SECTIONS: { id: string; label: string; component: ComponentType<SectionProps> }[] = [
  { id: 'firing', label: 'Alerts', component: AlertsSection },
  { id: 'silences', label: 'Silences', component: SilencesSection },
  { id: 'rules', label: 'Rules', component: RulesSection },
  { id: 'history', label: 'History', component: HistorySection },
  { id: 'receivers', label: 'Receivers', component: ReceiversSection },
];

const hrefOf = (id: string) => (id === 'firing' ? '/alerts' : `/alerts/${id}`);

export default function AlertsArea({ params }: { params: Record<string, string | undefined> }) {
  const { principal } = useSession();
  if (!principal) return null;
  // The Alertmanager routes are not enveloped, so they send the CSRF header themselves.
  setAlertingCsrf(principal.csrf_token);
  const current = SECTIONS.find((s) => s.id === (params.section ?? 'firing'));
  const admin = principal.system_admin || principal.permissions.includes('admin');
  return (
    <section class="page alerts-page">
      <h1>{current && current.id !== 'firing' ? `Alerts · ${current.label}` : 'Alerts'}</h1>
      <nav class="alerts-tabs" aria-label="Alerting sections">
        {SECTIONS.map((s) => (
          <Link key={s.id} href={hrefOf(s.id)} aria-current={s === current ? 'page' : undefined}>
            {s.label}
          </Link>
        ))}
      </nav>
      {current ? (
        <current.component
          user={principal.username}
          admin={admin}
          editor={admin || principal.permissions.includes('edit')}
        />
      ) : (
        <p class="error" role="alert">
          No alerting section named “{params.section}”.
        </p>
      )}
    </section>
  );
}
