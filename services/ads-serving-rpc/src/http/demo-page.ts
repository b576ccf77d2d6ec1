/** Escapes text for an HTML attribute or element body. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

const paragraph =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit. Integer nec odio. Praesent libero. Sed cursus ante dapibus diam. Sed nisi. Nulla quis sem at nibh elementum imperdiet. Duis sagittis ipsum. Praesent mauris.';

/**
 * A demo publisher page: an article with one ad slot, either at the top or (`position=below`)
 * after a long article, so that viewability can be seen at work while scrolling.
 * Query: placement (required), position (top|below), count, keywords, country (default US:
 * the embed cannot know the visitor's country, a publisher passes it along).
 */
export function renderDemoPage(query: URLSearchParams): { status: number; html: string } {
  const placement = query.get('placement') ?? '';
  if (!/^[a-z0-9][a-z0-9._-]{0,99}$/.test(placement)) {
    return {
      status: 400,
      html: `<!doctype html><meta charset="utf-8"><title>Demo</title><p>Add <code>?placement=&lt;placement key&gt;</code> (a-z, 0-9, ".", "_" or "-"), e.g. <code>/demo?placement=news-home-top</code>.</p>`,
    };
  }
  const below = query.get('position') === 'below';
  const count = Math.min(10, Math.max(1, Number(query.get('count') ?? 1) || 1));
  const keywords = (query.get('keywords') ?? '').slice(0, 500);
  const country = /^[A-Za-z]{2}$/.test(query.get('country') ?? '') ? query.get('country')!.toUpperCase() : 'US';
  const slot = `<div id="demo-slot" class="slot" data-ads-placement="${escapeHtml(placement)}" data-ads-count="${count}"></div>`;
  const article = Array.from({ length: below ? 24 : 3 }, () => `<p>${paragraph}</p>`).join('\n');
  return {
    status: 200,
    html: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The Daily Example — demo publisher</title>
<style>
body{font:16px/1.6 Georgia,serif;max-width:720px;margin:0 auto;padding:16px;color:#111}
header{border-bottom:2px solid #111;margin-bottom:16px}
.slot{min-height:60px}
</style>
</head>
<body>
<header><h1>The Daily Example</h1><p>A demo publisher page for placement <code>${escapeHtml(placement)}</code>.</p></header>
${below ? '' : slot}
<article id="article">
<h2>Today's story</h2>
${article}
</article>
${below ? slot : ''}
<footer><p>End of page.</p></footer>
<script async src="/embed.js" data-ads-keywords="${escapeHtml(keywords)}" data-ads-country="${country}"></script>
</body>
</html>
`,
  };
}
