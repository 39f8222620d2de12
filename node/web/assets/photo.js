// A photo made smaller in the browser before it is sent (canvas -> JPEG,
// long side at most 2000 px), shared by the application page's scans
// (documents.js) and the office kiosk's form (kiosk.js). A PDF, or a small
// JPEG/PNG under the long side, goes as it is. The server checks again:
// size limit, type from the bytes. `tf(key, ...args)` gives a page text.
'use strict';

const Photo = (() => {
  const MAX_SIDE = 2000;
  const KEEP_BELOW = 1536 * 1024;  // a small JPEG or PNG under the long side goes as it is

  function sizeText(n) {
    if (n >= 1048576) return (n / 1048576).toFixed(1).replace(/\.0$/, '') + ' MiB';
    if (n >= 1024) return (n / 1024).toFixed(1).replace(/\.0$/, '') + ' KiB';
    return n + ' bytes';
  }

  // What is sent for `file`: {blob, type, name, note} or {error}.
  async function prepare(file, label, limit, limitText, tf) {
    const image = file.type.startsWith('image/');
    if (image) {
      let bitmap;
      try {
        bitmap = await createImageBitmap(file);
      } catch (e) {
        return { error: tf('doc.unreadable') };
      }
      const long = Math.max(bitmap.width, bitmap.height);
      const plain = file.type === 'image/jpeg' || file.type === 'image/png';
      if (long > MAX_SIDE || file.size > KEEP_BELOW || !plain) {
        const scale = Math.min(1, MAX_SIDE / long);
        const w = Math.max(1, Math.round(bitmap.width * scale));
        const h = Math.max(1, Math.round(bitmap.height * scale));
        const canvas = document.createElement('canvas');
        canvas.width = w;
        canvas.height = h;
        canvas.getContext('2d').drawImage(bitmap, 0, 0, w, h);
        const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
        if (!blob) return { error: tf('doc.unreadable') };
        const name = file.name.replace(/\.[^.]*$/, '') + '.jpg';
        const note = tf('doc.downscaled', bitmap.width + '×' + bitmap.height, w + '×' + h, sizeText(blob.size));
        return { blob, type: 'image/jpeg', name, note };
      }
    }
    if (file.size > limit) return { error: tf('doc.too_large', label, sizeText(file.size), limitText) };
    // Anything else goes as it is: the server names what it refuses.
    return { blob: file, type: file.type || 'application/octet-stream', name: file.name, note: '' };
  }

  return { prepare, sizeText };
})();
