import type { Schemas } from '@ocp/sdk';
import { useEffect } from 'react';
import { useOcp } from './ocp';
import { useLoad } from './ui';

type Branding = Schemas['TenantBranding'];

/**
 * The signed-in operator's tenant's branding (GET /api/v1/tenant/branding, the token's tenant): its
 * name and logo in the top bar, its colours as the page's CSS variables. Without an answer the
 * dashboard keeps its own look.
 */
export function useTenantBranding(): Branding | undefined {
  const ocp = useOcp();
  const { data } = useLoad(() => ocp.get('/api/v1/tenant/branding'), 'branding');
  useEffect(() => {
    const root = document.documentElement.style;
    if (data?.primaryColor) {
      root.setProperty('--accent', data.primaryColor);
      root.setProperty('--accent-ink', readableInk(data.primaryColor));
    }
    if (data?.accentColor) root.setProperty('--brand-accent', data.accentColor);
    return () => ['--accent', '--accent-ink', '--brand-accent'].forEach((name) => root.removeProperty(name));
  }, [data?.primaryColor, data?.accentColor]);
  return data;
}

/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
export function readableInk(hex: string): string {
  const channels = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  const luminance = 0.2126 * channels[0]! + 0.7152 * channels[1]! + 0.0722 * channels[2]!;
  // Contrast with white (1.05 / (L + 0.05)) against contrast with black ((L + 0.05) / 0.05).
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#ffffff' : '#000000';
}

export function BrandMark({ branding }: { branding: Branding | undefined }) {
  return (
    <span className="brand">
      {branding?.logoUrl ? <img className="brand-logo" src={branding.logoUrl} alt="" height={24} /> : null}
      {branding ? `${branding.name} admin` : 'OCP admin'}
    </span>
  );
}
