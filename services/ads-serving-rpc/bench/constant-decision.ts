// One decision answer of the shape and size of a real one (three ads over two slots, their
// signed URLs), for the two baselines that answer it without deciding anything.
import type { DecidedAd, DecisionResponse } from '@ads/ads-client';

const query = 'd=Q3x9aZ1b0k2&a=c1234-a1&c=c1234&v=adv12&p=site1-slot3&u=benchuser1234&m=5000&n=0&x=1795331301&s=Zx8ZfVb1S0lq2TfXw9cQ3a';
const ad: DecidedAd = {
  adId: 'c1234-a1',
  campaignId: 'c1234',
  advertiserId: 'adv12',
  format: 'native',
  contents: {
    title: 'Synthetic ad c1234-1: a title of ordinary length',
    body: 'A body text of about the length advertisers write, with a call to action at the end. Buy now.',
    imageUrl: 'https://cdn.example.com/creatives/c1234-1.jpg',
    width: null,
    height: null,
  },
  clickUrl: `http://127.0.0.1:18900/t/c?${query}`,
  impressionUrl: `http://127.0.0.1:18900/t/i?${query}`,
  viewableUrl: `http://127.0.0.1:18900/t/v?${query}`,
};

export const constantDecision: DecisionResponse = {
  decisionId: 'Q3x9aZ1b0k2',
  userKey: 'benchuser1234',
  decisions: { top: [ad], side: [ad, ad] },
};
