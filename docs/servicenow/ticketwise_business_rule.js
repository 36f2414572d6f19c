/*
 * ticketwise Business Rule for the incident table.
 *
 * Sends each new incident, each update of a watched field and each new work note or additional
 * comment to ticketwise, signed with HMAC-SHA256 (header X-SN-Signature). The event format is
 * described in docs/servicenow-events.md.
 *
 * Install (System Definition > Business Rules > New):
 *   Table: Incident [incident]   Advanced: checked
 *   When: after   Insert: checked   Update: checked   Order: 1000
 *   Condition: leave empty (the script decides)
 * System properties (System Properties > All Properties > New):
 *   x_ticketwise.endpoint     https://ticketwise.example.com/v1/hooks/servicenow/<tenant id>
 *   x_ticketwise.secret_b64   the tenant's ServiceNow secret, base64-encoded (type: password2)
 *   x_ticketwise.integration_user   the user name ticketwise writes back with (loop guard)
 * In a scoped application use CertificateEncryption instead of GlideCertificateEncryption.
 */
(function executeRule(current, previous /* null when async */) {
  var WATCHED = ['short_description', 'description', 'category', 'subcategory',
                 'assignment_group', 'assigned_to', 'impact', 'urgency', 'priority', 'state',
                 'close_code', 'close_notes', 'caller_id', 'cmdb_ci', 'contact_type'];
  var REFERENCES = {assignment_group: true, assigned_to: true, caller_id: true, cmdb_ci: true};

  var endpoint = gs.getProperty('x_ticketwise.endpoint');
  var secret = gs.getProperty('x_ticketwise.secret_b64');
  if (!endpoint || !secret) return;
  // Changes ticketwise made itself are not sent back to it.
  if (gs.getUserName() == gs.getProperty('x_ticketwise.integration_user')) return;

  function text(record, field) {
    if (!record || !record.isValidField(field)) return '';
    var value = REFERENCES[field] ? record.getDisplayValue(field) : record.getValue(field);
    return value == null ? '' : String(value);
  }

  var changes = [];
  if (current.operation() == 'update' && previous) {
    for (var i = 0; i < WATCHED.length; i++) {
      var field = WATCHED[i];
      if (current[field].changes()) {
        changes.push({field: field, old: text(previous, field), 'new': text(current, field)});
      }
    }
  }
  var workNote = current.work_notes.changes() ? current.work_notes.getJournalEntry(1) : '';
  var comment = current.comments.changes() ? current.comments.getJournalEntry(1) : '';

  var event;
  if (current.operation() == 'insert') {
    event = 'inserted';
  } else if (workNote || comment) {
    event = 'commented';
  } else if (changes.length > 0) {
    event = 'updated';
  } else {
    return;  // nothing ticketwise reads has changed
  }

  var body = JSON.stringify({
    version: 1,
    event: event,
    table: current.getTableName(),
    sys_id: current.getUniqueValue(),
    number: text(current, 'number'),
    sys_updated_on: text(current, 'sys_updated_on'),
    sys_mod_count: text(current, 'sys_mod_count'),
    updated_by: gs.getUserName(),
    opened_at: text(current, 'opened_at'),
    short_description: text(current, 'short_description'),
    description: text(current, 'description'),
    category: text(current, 'category'),
    subcategory: text(current, 'subcategory'),
    assignment_group: text(current, 'assignment_group'),
    assigned_to: text(current, 'assigned_to'),
    impact: text(current, 'impact'),
    urgency: text(current, 'urgency'),
    priority: text(current, 'priority'),
    state: text(current, 'state'),
    close_code: text(current, 'close_code'),
    close_notes: text(current, 'close_notes'),
    caller: text(current, 'caller_id'),
    cmdb_ci: text(current, 'cmdb_ci'),
    contact_type: text(current, 'contact_type'),
    work_notes: workNote,
    comments: comment,
    changes: changes
  });

  // generateMac takes the key base64-encoded and returns the MAC base64-encoded.
  var signature = new GlideCertificateEncryption().generateMac(secret, 'HmacSHA256', body);

  var request = new sn_ws.RESTMessageV2();
  request.setEndpoint(endpoint);
  request.setHttpMethod('post');
  request.setRequestHeader('Content-Type', 'application/json');
  request.setRequestHeader('X-SN-Signature', signature);
  request.setRequestBody(body);
  request.executeAsync();
})(current, previous);
