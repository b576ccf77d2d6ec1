/*
 * Ads embed. A publisher adds one tag and one element per slot:
 *
 *   <script async src="https://ads.example.com/embed.js"></script>
 *   <div data-ads-placement="news-home-top"></div>
 *
 * Optional attributes: on the slot, data-ads-count (1-10) and data-ads-formats ("native",
 * "banner" or both, comma-separated); on the script, data-ads-keywords (comma-separated),
 * data-ads-country (ISO 3166 alpha-2, e.g. from the publisher's CDN geo header) and
 * data-ads-consent="false" (no user key is kept, no frequency capping).
 *
 * Each slot is checked against the limits of serving.decide before the one request for the page
 * is sent: a bad slot (e.g. an empty or over-long data-ads-placement) is marked
 * data-ads-state="error" with a console warning, and the other slots still get their ads. The
 * request names slots by generated divNames, so ids may be missing, repeated or long.
 *
 * No dependencies. Creative fields are only ever set as text or checked URLs, never as HTML.
 * The impression beacon fires on render; the viewable beacon fires once at least 50% of the
 * ad's pixels have been on screen for one continuous second (MRC display rule) while the page
 * is visible; clicks go through the signed click URL, which redirects to the advertiser.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var origin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var endpoint = (script && script.getAttribute('data-ads-endpoint')) || origin + '/rpc';
  var consent = !(script && script.getAttribute('data-ads-consent') === 'false');
  var STORAGE_KEY = 'ads_user_key';
  var VIEWABLE_RATIO = 0.5;
  var VIEWABLE_MS = 1000;
  // The limits of serving.decide (libs/ads-client serving-contract.ts). The server refuses the
  // whole request for one slot outside them, so each slot is checked here and fails alone.
  var MAX_SLOTS = 20;
  var MAX_PLACEMENT_KEY = 100;
  var MAX_COUNT = 10;

  function storedUserKey() {
    if (!consent) return undefined;
    try {
      var value = window.localStorage.getItem(STORAGE_KEY);
      return value && /^[A-Za-z0-9_-]{8,64}$/.test(value) ? value : undefined;
    } catch (_error) {
      return undefined;
    }
  }

  function storeUserKey(value) {
    if (!consent) return;
    try {
      window.localStorage.setItem(STORAGE_KEY, value);
    } catch (_error) {
      // Storage may be disabled: the next page view simply gets a new key.
    }
  }

  function detectDevice() {
    var agent = navigator.userAgent || '';
    if (/iPad|Tablet/i.test(agent)) return 'tablet';
    if (/Mobi|Android|iPhone/i.test(agent)) return 'mobile';
    return 'desktop';
  }

  function pageKeywords() {
    var source = (script && script.getAttribute('data-ads-keywords')) || '';
    if (!source) {
      var meta = document.querySelector('meta[name="keywords"]');
      source = meta ? meta.getAttribute('content') || '' : '';
    }
    var keywords = [];
    var parts = source.split(',');
    for (var i = 0; i < parts.length && keywords.length < 50; i += 1) {
      var keyword = parts[i].trim().toLowerCase();
      if (keyword && keyword.length <= 100 && keywords.indexOf(keyword) === -1) keywords.push(keyword);
    }
    return keywords;
  }

  function httpUrl(value) {
    try {
      var url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
    } catch (_error) {
      return null;
    }
  }

  function beacon(url) {
    var checked = httpUrl(url);
    if (!checked) return;
    try {
      if (window.fetch) {
        window
          .fetch(checked, { method: 'GET', mode: 'no-cors', keepalive: true, credentials: 'omit', cache: 'no-store' })
          .catch(function () {});
      } else {
        new Image().src = checked;
      }
    } catch (_error) {
      // A lost beacon must never break the page.
    }
  }

  function injectStyles() {
    if (document.getElementById('ads-embed-styles')) return;
    var style = document.createElement('style');
    style.id = 'ads-embed-styles';
    style.textContent =
      '.ads-ad{display:block;box-sizing:border-box;font:14px/1.4 system-ui,sans-serif;color:#222;text-decoration:none;border:1px solid #ddd;border-radius:6px;padding:10px;margin:8px 0;background:#fff}' +
      '.ads-ad:hover{border-color:#999}.ads-ad img{display:block;max-width:100%;height:auto;margin-bottom:6px}' +
      '.ads-label{display:inline-block;font-size:11px;color:#666;border:1px solid #ccc;border-radius:3px;padding:0 4px;margin-bottom:4px}' +
      '.ads-title{display:block;font-weight:600;margin-bottom:2px}.ads-body{display:block;color:#444}';
    (document.head || document.documentElement).appendChild(style);
  }

  function watchViewability(element, url) {
    // Without IntersectionObserver viewability cannot be measured, so it is never claimed.
    if (!('IntersectionObserver' in window)) return;
    var timer = null;
    var inView = false;
    var done = false;
    function start() {
      if (timer !== null || done) return;
      timer = setTimeout(function () {
        timer = null;
        done = true;
        observer.disconnect();
        document.removeEventListener('visibilitychange', onVisibility);
        element.setAttribute('data-ads-viewable', 'true');
        beacon(url);
      }, VIEWABLE_MS);
    }
    function stop() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    }
    function onVisibility() {
      if (document.hidden) stop();
      else if (inView) start();
    }
    var observer = new IntersectionObserver(
      function (entries) {
        for (var i = 0; i < entries.length; i += 1) {
          inView = entries[i].isIntersecting && entries[i].intersectionRatio >= VIEWABLE_RATIO;
          if (inView && !document.hidden) start();
          else stop();
        }
      },
      { threshold: [0, 0.25, VIEWABLE_RATIO, 0.75, 1] },
    );
    observer.observe(element);
    document.addEventListener('visibilitychange', onVisibility);
  }

  // The ad's three beacons share its one signed token: the tracking URL plus /i, /v or /c.
  function beaconUrl(ad, code) {
    return typeof ad.trackingUrl === 'string' ? ad.trackingUrl + '/' + code : null;
  }

  function render(slot, ad) {
    var link = document.createElement('a');
    var clickUrl = httpUrl(beaconUrl(ad, 'c'));
    if (clickUrl) link.href = clickUrl;
    link.rel = 'sponsored noopener';
    link.className = 'ads-ad ads-' + (ad.format === 'banner' ? 'banner' : 'native');
    link.setAttribute('data-ads-ad-id', String(ad.adId));
    var label = document.createElement('span');
    label.className = 'ads-label';
    label.textContent = 'Ad';
    link.appendChild(label);
    var contents = ad.contents || {};
    var imageUrl = contents.imageUrl ? httpUrl(contents.imageUrl) : null;
    if (imageUrl) {
      var image = document.createElement('img');
      image.src = imageUrl;
      image.alt = '';
      if (contents.width) image.width = contents.width;
      if (contents.height) image.height = contents.height;
      // A missing creative image must not leave a broken icon in the publisher's page.
      image.onerror = function () {
        image.remove();
      };
      link.appendChild(image);
    }
    var title = document.createElement('span');
    title.className = 'ads-title';
    title.textContent = String(contents.title || '');
    link.appendChild(title);
    if (contents.body) {
      var body = document.createElement('span');
      body.className = 'ads-body';
      body.textContent = String(contents.body);
      link.appendChild(body);
    }
    slot.appendChild(link);
    beacon(beaconUrl(ad, 'i'));
    watchViewability(link, beaconUrl(ad, 'v'));
  }

  function setState(slots, state) {
    for (var i = 0; i < slots.length; i += 1) slots[i].setAttribute('data-ads-state', state);
  }

  function warn(message, slot) {
    if (!window.console) return;
    // The element itself too, so that the browser's console can show where it is.
    if (slot) window.console.warn('ads embed: ' + message, slot);
    else window.console.warn('ads embed: ' + message);
  }

  function quoted(text) {
    return JSON.stringify(text.length > 40 ? text.slice(0, 40) + '...' : text);
  }

  /** The slot's entry of the decision request, or a string saying what is wrong with it. */
  function placementRequest(slot, divName) {
    var placementKey = slot.getAttribute('data-ads-placement') || '';
    // The contract counts code points, as Array.from does.
    var keyLength = Array.from(placementKey).length;
    if (!keyLength) return 'data-ads-placement is empty';
    if (keyLength > MAX_PLACEMENT_KEY) return 'data-ads-placement is ' + keyLength + ' characters long, more than ' + MAX_PLACEMENT_KEY;
    var placement = { divName: divName, placementKey: placementKey, count: 1 };
    var count = (slot.getAttribute('data-ads-count') || '').trim();
    if (count) {
      if (!/^[0-9]{1,2}$/.test(count) || +count < 1 || +count > MAX_COUNT)
        return 'data-ads-count ' + quoted(count) + ' is not a whole number from 1 to ' + MAX_COUNT;
      placement.count = +count;
    }
    var formats = [];
    var names = (slot.getAttribute('data-ads-formats') || '').split(',');
    for (var i = 0; i < names.length; i += 1) {
      var format = names[i].trim();
      if (!format || formats.indexOf(format) !== -1) continue;
      if (format !== 'native' && format !== 'banner') return 'data-ads-formats names ' + quoted(format) + ', not "native" or "banner"';
      formats.push(format);
    }
    if (formats.length) placement.formats = formats;
    return placement;
  }

  function run() {
    var found = document.querySelectorAll('[data-ads-placement]:not([data-ads-state])');
    if (!found.length) return;
    injectStyles();
    var slots = [];
    var placements = [];
    // Slots past the request's limit are left untouched, for a later adsEmbed.refresh().
    for (var i = 0; i < found.length && placements.length < MAX_SLOTS; i += 1) {
      var slot = found[i];
      // A generated divName: the publisher's id may be missing, repeated or too long.
      var placement = placementRequest(slot, 'slot-' + placements.length);
      if (typeof placement === 'string') {
        slot.setAttribute('data-ads-state', 'error');
        var name = slot.id
          ? 'id=' + quoted(slot.id)
          : 'number ' + (Array.prototype.indexOf.call(document.querySelectorAll('[data-ads-placement]'), slot) + 1);
        warn('slot ' + name + ' gets no ads: ' + placement, slot);
        continue;
      }
      slots.push(slot);
      placements.push(placement);
    }
    if (!slots.length) return;
    setState(slots, 'loading');
    var params = { placements: placements, keywords: pageKeywords(), device: detectDevice(), consent: consent };
    var country = script ? (script.getAttribute('data-ads-country') || '').toUpperCase() : '';
    if (/^[A-Z]{2}$/.test(country)) params.country = country;
    var userKey = storedUserKey();
    if (userKey) params.userKey = userKey;
    if (/^https?:/.test(location.href) && location.href.length <= 2048) params.pageUrl = location.href;
    if (document.referrer) params.referrer = document.referrer.slice(0, 2048);
    window
      .fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'omit',
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'serving.decide', params: params }),
      })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        if (!answer || !answer.result) throw new Error(answer && answer.error ? answer.error.message : 'no decision');
        storeUserKey(answer.result.userKey);
        var warnings = answer.result.warnings || [];
        for (var w = 0; w < warnings.length; w += 1) warn(warnings[w].message + ' (#' + warnings[w].divName + ')');
        for (var i = 0; i < slots.length; i += 1) {
          var ads = answer.result.decisions[placements[i].divName] || [];
          for (var j = 0; j < ads.length; j += 1) render(slots[i], ads[j]);
          slots[i].setAttribute('data-ads-state', ads.length ? 'filled' : 'empty');
        }
        document.dispatchEvent(new CustomEvent('ads:rendered', { detail: { decisionId: answer.result.decisionId } }));
      })
      .catch(function (error) {
        setState(slots, 'error');
        warn(error && error.message ? error.message : String(error));
      });
  }

  window.adsEmbed = { refresh: run };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
  else run();
})();
