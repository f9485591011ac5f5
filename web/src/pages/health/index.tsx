/**
 * /health and /health/:section — the health area: services (grid), dependencies (graph) and
 * checks (table), one tab each. The API enforces permissions; the tabs only arrange views.
 */
import type { ComponentType } from 'preact';
import { Link } from 'wouter-preact';
import { ChecksSection } from './checks.js';
import { DependenciesSection } from './dependencies.js';
import { ServicesSection } from './services.js';
import '../alerts/alerts.css';
import '../settings/access.css';
import './health.css';

const SECTIONS: { id: string; label: string; component: ComponentType }[] = [
  { id: 'services', label: 'Services', component: ServicesSection },
  { id: 'dependencies', label: 'Dependencies', component: DependenciesSection },
  { id: 'checks', label: 'Checks', component: ChecksSection },
];

const hrefOf = (id: string) => (id === 'services' ? '/health' : `/health/${id}`);

export default function HealthArea({ params }: { params: Record<string, string | undefined> }) {
  const current = SECTIONS.find((s) => s.id === (params.section ?? 'services'));
  return (
    <section class="page alerts-page health-page">
      <h1>{current && current.id !== 'services' ? `Health · ${current.label}` : 'Health'}</h1>
      <nav class="alerts-tabs" aria-label="Health sections">
        {SECTIONS.map((s) => (
          <Link key={s.id} href={hrefOf(s.id)} aria-current={s === current ? 'page' : undefined}>
            {s.label}
          </Link>
        ))}
      </nav>
      {current ? (
        <current.component />
      ) : (
        <p class="error" role="alert">
          No health section named “{params.section}”.
        </p>
      )}
    </section>
  );
}
