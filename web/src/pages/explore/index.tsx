/** Placeholder: this page is being built (issue #6). */
export default function Page({ params }: { params: Record<string, string | undefined> }) {
  return (
    <section class="page">
      <h1>Explore</h1>
      <p class="muted">
        This page is not built yet.{params.id ?? params.instance ?? params.section ?? ''}
      </p>
    </section>
  );
}
