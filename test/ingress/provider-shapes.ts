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

// Shaped like Todoist's documented webhook request (https://developer.todoist.com/api/v1/#tag/Webhooks).
export const todoistItemAdded = {
  event_name: 'item:added',
  user_id: '2671355',
  event_data: {
    added_by_uid: '2671355',
    assigned_by_uid: null,
    checked: false,
    child_order: 3,
    content: 'Buy Milk',
    description: '',
    added_at: '2025-02-10T10:33:38.000000Z',
    completed_at: null,
    due: null,
    id: '6X7rM8997g3RQmvh',
    is_deleted: false,
    labels: [],
    parent_id: null,
    priority: 1,
    project_id: '6Jf8VQXxpwv56VQ7',
    responsible_uid: null,
    section_id: null,
    user_id: '2671355',
  },
  initiator: {
    email: 'alice@example.com',
    full_name: 'Alice',
    id: '2671355',
    image_id: 'ad38375bdb094286af59f1eab36d8f20',
    is_premium: true,
  },
  triggered_at: '2025-02-10T10:39:38.000000Z',
  version: '10',
};

// Shaped like the issue payload of Atlassian's webhook documentation
// (https://developer.atlassian.com/cloud/jira/platform/webhooks/#example-callback-for-an-issue-related-event).
export const jiraIssueCreated = {
  timestamp: 1536083559131,
  webhookEvent: 'jira:issue_created',
  issue_event_type_name: 'issue_created',
  user: {
    self: 'https://example.atlassian.net/rest/api/2/user?accountId=557058:c9ebf848-dfac-4c49-9408-dc34bd0e2d85',
    accountId: '557058:c9ebf848-dfac-4c49-9408-dc34bd0e2d85',
    displayName: 'Admin',
    active: true,
  },
  issue: {
    id: '10000',
    self: 'https://example.atlassian.net/rest/api/2/issue/10000',
    key: 'JRA-20002',
    fields: {
      summary: 'I feel the need for speed',
      issuetype: { id: '10001', name: 'Task' },
      project: { id: '10000', key: 'JRA', name: 'Jira' },
      created: '2018-09-04T17:52:39.000+0000',
      priority: { id: '3', name: 'Medium' },
    },
  },
};
