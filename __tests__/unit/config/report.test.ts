import { describe, expect, it } from '@jest/globals'
import { parseReportConfig } from '../../../src/config/report.js'
import { ConfigurationError } from '../../../src/errors.js'

describe('parseReportConfig', () => {
  it.each([
    [{}, { annotateSeverity: 'HIGH', prComment: true }],
    [
      { 'annotate-severity': 'low', 'pr-comment': 'false', 'max-image-size': '1.5GiB' },
      { annotateSeverity: 'LOW', prComment: false, maxImageSize: 1_610_612_736 }
    ],
    [{ 'max-image-size': '  ' }, { annotateSeverity: 'HIGH', prComment: true }]
  ])('%j', (raw, expected) => {
    expect(parseReportConfig(raw)).toEqual(expected)
  })

  it.each([
    [
      { 'annotate-severity': 'none' },
      "Input 'annotate-severity' is 'none': expected one of 'CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'."
    ],
    [{ 'max-image-size': '200 XB' }, "Input 'max-image-size' is '200 XB': expected a size such as '200MB'"]
  ])('refuses %j', (raw, message) => {
    expect(() => parseReportConfig(raw)).toThrow(ConfigurationError)
    expect(() => parseReportConfig(raw)).toThrow(message)
  })
})
