/** Deliveries as Microsoft Graph and Google document them, for gateway tests. */

// https://learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks#change-notification-example
export const graphNotification = {
  id: 'lsgTZMr9KwAAA',
  subscriptionId: '{subscription_guid}',
  subscriptionExpirationDateTime: '2016-03-19T22:11:09.952Z',
  clientState: 'secretClientValue',
  changeType: 'created',
  resource: 'users/{user_guid}@{tenant_guid}/messages/{long_id_string}',
  tenantId: '84bd8158-6d4d-4958-8b9f-9d6445542f95',
  resourceData: {
    '@odata.type': '#Microsoft.Graph.Message',
    '@odata.id': 'Users/{user_guid}@{tenant_guid}/Messages/{long_id_string}',
    '@odata.etag': 'W/"CQAAABYAAADkrWGo7bouTKlsgTZMr9KwAAAUWRHf"',
    id: '{long_id_string}',
  },
};

// https://developers.google.com/calendar/api/guides/push (notification headers)
export const googleHeaders = {
  'X-Goog-Channel-ID': '4ba78bf0-6a47-11e2-bcfd-0800200c9a66',
  'X-Goog-Channel-Token': '398348u3tu83ut8uu38',
  'X-Goog-Channel-Expiration': 'Tue, 19 Nov 2013 01:13:52 GMT',
  'X-Goog-Resource-ID': 'ret08u3rv24htgh289g',
  'X-Goog-Resource-URI': 'https://www.googleapis.com/calendar/v3/calendars/my_calendar@gmail.com/events',
  'X-Goog-Resource-State': 'exists',
  'X-Goog-Message-Number': '10',
};
