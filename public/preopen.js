// Opens the device database while the app's JavaScript is still loading, so the browser brings IndexedDB up in
// parallel and the app's first read does not wait for it (npm run bench, start section). Never creates it.
try {
  var request = indexedDB.open('louxiaoer-station');
  request.onupgradeneeded = function () {
    request.transaction.abort();
  };
  request.onsuccess = function () {
    request.result.close();
  };
} catch {
  // No IndexedDB here: the app reports that itself.
}
