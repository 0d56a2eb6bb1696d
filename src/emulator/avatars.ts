// Agent avatars served by the emulator itself (no internet needed for demos): an SVG with the
// agent's initials on a colour derived from the name.
import { createHash } from 'node:crypto';

const PALETTE = [
  '#1f6feb',
  '#8957e5',
  '#bf3989',
  '#cf222e',
  '#bc4c00',
  '#9a6700',
  '#1a7f37',
  '#0969da',
  '#6e7781',
];

export function avatarSvg(slug: string): string {
  const words = slug.split('-').filter(Boolean);
  const initials = (
    words.length > 1 ? `${words[0]?.[0] ?? ''}${words.at(-1)?.[0] ?? ''}` : (words[0] ?? '?').slice(0, 2)
  )
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
  const index = createHash('sha1').update(slug).digest()[0] ?? 0;
  const colour = PALETTE[index % PALETTE.length] ?? '#6e7781';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96" role="img" aria-label="${initials}">` +
    `<circle cx="48" cy="48" r="48" fill="${colour}"/>` +
    `<text x="48" y="48" dy=".35em" text-anchor="middle" font-family="system-ui, sans-serif" font-size="38" fill="#fff">${initials}</text>` +
    `</svg>`
  );
}

/** Slugs are [a-z0-9-] only (see routing.ts slugify), so they are safe in a URL path and in the SVG. */
export function isAvatarSlug(value: string): boolean {
  return /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(value) && value.length <= 80;
}
