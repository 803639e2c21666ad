// Command otlpcheck reads an OTLP JSON Lines file (one MetricsData object per line, the format of
// the Collector's file exporter and of telemetry-sync's --otlp-json-out) with the Collector's own
// parser, pdata's pmetric.JSONUnmarshaler, and prints per line what it understood: the counts and
// the metrics marshalled back to OTLP/JSON by pdata.
//
// The parser skips keys it does not know, so a successful parse alone proves little: the suite
// compares the re-marshalled JSON with the line it came from, and a misspelt or misplaced field
// shows up as a difference.
//
// Usage: otlpcheck FILE. Exit 0 when every line parsed, 1 when one did not (the reason on
// stderr, with the line number), 2 on bad usage or an unreadable file.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"go.opentelemetry.io/collector/pdata/pmetric"
)

type lineReport struct {
	Line            int             `json:"line"`
	ResourceMetrics int             `json:"resourceMetrics"`
	Metrics         int             `json:"metrics"`
	DataPoints      int             `json:"dataPoints"`
	Parsed          json.RawMessage `json:"parsed"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: otlpcheck FILE")
		os.Exit(2)
	}
	file, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer file.Close()

	// bufio.Scanner has a line limit; ReadBytes has none, so a long line is parsed, not cut.
	reader := bufio.NewReader(file)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	unmarshaler := pmetric.JSONUnmarshaler{}
	marshaler := pmetric.JSONMarshaler{}
	failed := false
	for number := 1; ; number++ {
		line, readErr := reader.ReadBytes('\n')
		if readErr != nil && !errors.Is(readErr, io.EOF) {
			fmt.Fprintln(os.Stderr, readErr)
			os.Exit(2)
		}
		line = bytes.TrimSpace(line)
		if len(line) > 0 {
			if err := checkLine(out, number, line, unmarshaler, marshaler); err != nil {
				fmt.Fprintf(os.Stderr, "line %d: %v\n", number, err)
				failed = true
			}
		}
		if readErr != nil {
			break
		}
	}
	if failed {
		out.Flush()
		os.Exit(1)
	}
}

func checkLine(out io.Writer, number int, line []byte, u pmetric.JSONUnmarshaler, m pmetric.JSONMarshaler) error {
	metrics, err := u.UnmarshalMetrics(line)
	if err != nil {
		return err
	}
	again, err := m.MarshalMetrics(metrics)
	if err != nil {
		return fmt.Errorf("marshal back: %w", err)
	}
	report, err := json.Marshal(lineReport{
		Line:            number,
		ResourceMetrics: metrics.ResourceMetrics().Len(),
		Metrics:         metrics.MetricCount(),
		DataPoints:      metrics.DataPointCount(),
		Parsed:          again,
	})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "%s\n", report)
	return err
}
