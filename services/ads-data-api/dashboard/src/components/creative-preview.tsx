import { useState } from 'react';
import type { Ad } from '../api/entities';

/** Only http(s) URLs reach an href or src: a `javascript:` click URL must stay inert. */
export function safeHttpUrl(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export type CreativeContents = Pick<Ad, 'format' | 'title' | 'body' | 'imageUrl' | 'clickUrl' | 'width' | 'height'>;

/**
 * An ad as a publisher page shows it: the element tree, classes and styles that embed.js
 * (ads-serving-rpc) renders — `a.ads-ad.ads-<format>` holding the "Ad" label, the image, the
 * title and the body — with every text a text node, never parsed as HTML, so that markup in a
 * title shows as the characters the advertiser typed. Unlike the embed, the link opens in a
 * new tab and counts nothing.
 */
export function CreativePreview({ ad }: { ad: CreativeContents }) {
  const href = safeHttpUrl(ad.clickUrl);
  const image = safeHttpUrl(ad.imageUrl);
  // embed.js removes an image that fails to load, so a broken creative shows as text only.
  const [failedImage, setFailedImage] = useState<string | null>(null);
  const format = ad.format === 'banner' ? 'banner' : 'native';
  return (
    <figure className="creative-preview" data-testid="creative-preview">
      <div className="creative-preview__page">
        <a className={`ads-ad ads-${format}`} href={href} target="_blank" rel="sponsored noopener noreferrer">
          <span className="ads-label">Ad</span>
          {image && failedImage !== image && (
            <img src={image} alt="" width={ad.width ?? undefined} height={ad.height ?? undefined} onError={() => setFailedImage(image)} />
          )}
          <span className="ads-title" data-testid="preview-title">
            {ad.title}
          </span>
          {ad.body && (
            <span className="ads-body" data-testid="preview-body">
              {ad.body}
            </span>
          )}
        </a>
      </div>
      <figcaption className="muted small">
        {format === 'banner' ? `Banner ${ad.width ?? '?'}×${ad.height ?? '?'}` : 'Native ad'}, as embed.js shows it
        {image && failedImage === image && ' (the image did not load, so the embed leaves it out)'}
        {!href && ' (no valid click URL yet)'}
      </figcaption>
    </figure>
  );
}
