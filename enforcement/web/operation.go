package web

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// operationRoutes registers /api/v1/operations.
func (s *Server) operationRoutes(r chi.Router) {
	r.Post("/operations", s.handleOperationCreate)
	r.Get("/operations", s.handleOperationList)
	r.Get("/operations/{id}", s.handleOperationGet)
	r.Post("/operations/{id}/submit", s.handleOperationSubmit)
	r.Post("/operations/{id}/cancel", s.handleOperationCancel)
	r.Get("/operations/{id}/draw", s.handleOperationDraw)
}

// handleOperationCreate answers POST /api/v1/operations with 201 and the
// draft.
func (s *Server) handleOperationCreate(w http.ResponseWriter, r *http.Request) {
	var c enforcement.OperationCreate
	if err := decodeJSON(w, r, &c); err != nil {
		s.error(w, r, err)
		return
	}
	op, err := s.Operations.CreateOperation(r.Context(), &c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeCreated(w, fmt.Sprintf("/api/v1/operations/%d", op.ID), op)
}

// handleOperationList answers GET /api/v1/operations?status=&limit=.
func (s *Server) handleOperationList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f enforcement.OperationFilter
	var err error
	if f.Status, err = queryEnum(q, "status", enforcement.OperationDraft, enforcement.OperationPlanning, enforcement.OperationPlanned,
		enforcement.OperationInProgress, enforcement.OperationCompleted, enforcement.OperationCancelled); err != nil {
		s.error(w, r, err)
		return
	}
	if f.Limit, err = queryInt(q, "limit", 1, 500); err != nil {
		s.error(w, r, err)
		return
	}
	ops, err := s.Operations.FindOperations(r.Context(), f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"operations": nonNil(ops)})
}

// handleOperationGet answers GET /api/v1/operations/{id}.
func (s *Server) handleOperationGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	op, err := s.Operations.FindOperationByID(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, op)
}

// handleOperationSubmit answers POST /api/v1/operations/{id}/submit with
// 202: the plan job runs later.
func (s *Server) handleOperationSubmit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	op, err := s.Operations.SubmitOperation(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, op)
}

// reasonBody is the body of the cancel and decline routes.
type reasonBody struct {
	Reason string `json:"reason"`
}

// handleOperationCancel answers POST /api/v1/operations/{id}/cancel.
func (s *Server) handleOperationCancel(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var body reasonBody
	if err := decodeJSON(w, r, &body); err != nil {
		s.error(w, r, err)
		return
	}
	op, err := s.Operations.CancelOperation(r.Context(), id, body.Reason)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, op)
}

// draw is what anyone needs to re-run an operation's draw and check it
// (双随机、一公开, 国发〔2019〕5号).
type draw struct {
	OperationID      int64  `json:"operation_id"`
	Seed             string `json:"seed"`
	AlgorithmVersion string `json:"algorithm_version"`
	CandidateDigest  string `json:"candidate_digest"`
	CandidateCount   int    `json:"candidate_count"`
}

// handleOperationDraw answers GET /api/v1/operations/{id}/draw; ECONFLICT
// until the operation is planned.
func (s *Server) handleOperationDraw(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	op, err := s.Operations.FindOperationByID(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if op.Seed == "" || op.Status == enforcement.OperationDraft || op.Status == enforcement.OperationPlanning {
		s.error(w, r, enforcement.Errorf(enforcement.ECONFLICT, "Operation %d is %s; its draw is published once it is planned.", id, op.Status).
			ZH("联合执法行动 %d 状态为“%s”；编排完成后才公布抽取结果。", id, enforcement.StatusZH(string(op.Status))))
		return
	}
	writeJSON(w, http.StatusOK, draw{op.ID, op.Seed, op.AlgorithmVersion, op.CandidateDigest, op.CandidateCount})
}
